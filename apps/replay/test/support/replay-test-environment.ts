import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Kafka, Message, Partitioners, logLevel } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { kafkaClient } from '@regsync/messaging/broker';
import { KafkaConnection, loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { startTestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';

export interface ReplayTestEnvironment {
  namespace: string;
  /** The broker as the test's admin principal. */
  connection: KafkaConnection;
  databaseUrl: string;
  schemaRegistryUrl: string;
  kafka: Kafka;
  codec: EventCodec;
  /**
   * Produces events keyed by subject, with the headers the outbox relay sets; on a delivery topic with the register
   * the router addressed (`regsync-recipient-register`).
   */
  produce(topic: string, events: readonly RegsyncEvent[], recipientRegister?: string): Promise<void>;
  /** Databases to drop at the end, besides the registry's. */
  dropAtEnd(databaseName: string): void;
  close(): Promise<void>;
}

/** A namespace of its own (topics, groups, databases) and the real schema registry, started in-process on a free port. */
export async function startReplayTestEnvironment(prefix = 'replay'): Promise<ReplayTestEnvironment> {
  Logger.overrideLogger(['error']);
  const namespace = `${prefix}_${randomUUID().slice(0, 8)}`;
  const connection = loadKafkaConnection();
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const { app: registry, url: schemaRegistryUrl } = await startTestSchemaRegistry({ databaseUrl, namespace });
  const codec = await EventCodec.connect(schemaRegistryUrl);
  const kafka = kafkaClient(connection, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const databases = [instanceDatabaseName('schema_registry', undefined, namespace)];

  return {
    namespace,
    connection,
    databaseUrl,
    schemaRegistryUrl,
    kafka,
    codec,
    async produce(topic, events, recipientRegister) {
      const messages: Message[] = events.map((event) => ({
        key: event.envelope.subject.id,
        value: codec.encode(event),
        headers: {
          'regsync-event-type': event.envelope.eventType,
          'regsync-event-id': event.envelope.eventId,
          'regsync-correlation-id': event.envelope.correlationId,
          ...(recipientRegister ? { 'regsync-recipient-register': recipientRegister } : {}),
        },
      }));
      for (let from = 0; from < messages.length; from += 5_000) await producer.send({ topic, acks: -1, messages: messages.slice(from, from + 5_000) });
    },
    dropAtEnd(databaseName) {
      databases.push(databaseName);
    },
    async close() {
      await producer.disconnect();
      await registry.close();
      const admin = kafka.admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
      for (const database of databases) await dropDatabase(databaseUrl, database);
    },
  };
}

import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaClient, createTopicsWithLeaders } from '@regsync/messaging/broker';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { startTestSchemaRegistry, TestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { EventCodec, findSchemasDir } from '@regsync/contracts/event-encoding';
import type { ResidenceRegistered } from '@regsync/contracts/generated/events';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { namespaced, registrySubjectOf, topicOf } from '@regsync/contracts/topics';

// During a rolling upgrade, services on ResidenceRegistered v1 and v2 write to and read from the same topic.
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const namespace = `upgrade_${randomUUID().slice(0, 8)}`;
const topic = namespaced(topicOf('ResidenceRegistered').name, namespace);

/** The schema set an older service ships: every released schema up to ResidenceRegistered v1. */
function v1SchemasDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'regsync-schemas-v1-'));
  cpSync(findSchemasDir(), dir, { recursive: true, filter: (source) => !source.endsWith('residence-registered.v2.avsc') });
  return dir;
}

type Received = { eventId: string; event: ResidenceRegistered; schemaId: number };

/** A service's consumer: its own group, decoding every record of the topic with its own codec. */
async function startReader(kafka: Kafka, group: string, codec: EventCodec, received: Received[]): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: namespaced(group, namespace) });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const { event, schemaId } = await codec.decode(message.value);
      received.push({ eventId: event.envelope.eventId, event: event as ResidenceRegistered, schemaId });
    },
  });
  return consumer;
}

async function untilReceived(received: Received[], count: number): Promise<void> {
  while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('rolling upgrade: ResidenceRegistered v1 and v2 services on one topic, against the real broker and registry', () => {
  const kafka = kafkaClient(loadKafkaConnection(), { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING });
  const consumers: Consumer[] = [];
  let registry: TestSchemaRegistry;
  let schemasV1: string;
  let v1Codec: EventCodec;
  let v2Codec: EventCodec;

  // Written by a Melderegister still on v1 (no dwelling status), and by one already on v2 (a Nebenwohnung).
  const { dwellingStatus: _notInV1, ...fromV1Service } = sampleEvent('ResidenceRegistered', {}, { idnr: '36574261809' });
  const fromV2Service = sampleEvent('ResidenceRegistered', {}, { idnr: '12345678995', dwellingStatus: 'NEBENWOHNUNG' });

  beforeAll(async () => {
    registry = await startTestSchemaRegistry({ databaseUrl: serverUrl, namespace });
    schemasV1 = v1SchemasDir();
    // The old service was there first; the upgraded one registers v2 as the next version of the same subject.
    v1Codec = await EventCodec.connect(registry.url, schemasV1);
    v2Codec = await EventCodec.connect(registry.url);
    const admin = kafka.admin();
    await admin.connect();
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: 1 }]);
    await admin.disconnect();
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    await registry?.app.close();
    await dropDatabase(serverUrl, instanceDatabaseName('schema_registry', undefined, namespace));
    rmSync(schemasV1, { recursive: true, force: true });
  });

  it('registers v1 and v2 as two versions of one subject, each service writing with its own schema id', async () => {
    const subject = registrySubjectOf('ResidenceRegistered', 'de.regsync.person.ResidenceRegistered');
    const versions = await (await fetch(`${registry.address}/subjects/${encodeURIComponent(subject)}/versions`)).json();
    expect(versions).toEqual([1, 2]);
    expect(v1Codec.schemaIdOf('ResidenceRegistered')).not.toBe(v2Codec.schemaIdOf('ResidenceRegistered'));
  });

  it('a v1 consumer reads v2 events without the field, a v2 consumer reads v1 events with the default', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: fromV1Service.idnr, value: v1Codec.encode(fromV1Service as unknown as ResidenceRegistered) },
        { key: fromV2Service.idnr, value: v2Codec.encode(fromV2Service) },
      ],
    });
    await producer.disconnect();

    const v1Reads: Received[] = [];
    const v2Reads: Received[] = [];
    consumers.push(await startReader(kafka, 'v1-service', v1Codec, v1Reads), await startReader(kafka, 'v2-service', v2Codec, v2Reads));
    await Promise.all([untilReceived(v1Reads, 2), untilReceived(v2Reads, 2)]);

    const { dwellingStatus: _dropped, ...v2EventAsV1Reads } = fromV2Service;
    expect(v1Reads).toEqual([
      { eventId: fromV1Service.envelope.eventId, event: fromV1Service, schemaId: v1Codec.schemaIdOf('ResidenceRegistered') },
      { eventId: fromV2Service.envelope.eventId, event: v2EventAsV1Reads, schemaId: v2Codec.schemaIdOf('ResidenceRegistered') },
    ]);
    expect(v2Reads).toEqual([
      { eventId: fromV1Service.envelope.eventId, event: { ...fromV1Service, dwellingStatus: 'HAUPTWOHNUNG' }, schemaId: v1Codec.schemaIdOf('ResidenceRegistered') },
      { eventId: fromV2Service.envelope.eventId, event: fromV2Service, schemaId: v2Codec.schemaIdOf('ResidenceRegistered') },
    ]);
  });
});

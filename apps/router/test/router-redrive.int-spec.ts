import { INestApplication, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Admin, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { brokerAclsOf, SERVICE_PRINCIPALS } from '@regsync/contracts/broker-access';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { ResidenceRegistered } from '@regsync/contracts/generated/events';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, redriveOutcomeTopicOf, redriveTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { localBrokerCredentials } from '@regsync/local-stack/local-stack';
import { createBrokerAcls, deleteBrokerAcls, kafkaClient } from '@regsync/messaging/broker';
import { RedrivenRecord, deadLetterRecord, redrive, parseRedriveOutcome } from '@regsync/messaging/dead-letter-redrive';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { KafkaConnection, kafkaEnvironmentOf, loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { startService } from '@regsync/service-runtime/service-startup';
import { startTestSchemaRegistry, TestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { loadRouterConfig } from '../src/config';
import { RouterModule } from '../src/router.module';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const adminConnection = loadKafkaConnection();
const namespace = `t_redrive_${randomUUID().slice(0, 8)}`;
const dresden = { app: 'municipal-register', instanceKey: '14612000' };
const sachsen = { app: 'state-register', instanceKey: '14' };
const dresdenOutgoing = outgoingTopicOf(dresden.app, dresden.instanceKey, namespace);
const sachsenDeliveries = deliveryTopicOf(sachsen.app, sachsen.instanceKey, namespace);
const routerGroup = consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, namespace);
const acls = brokerAclsOf([dresden, sachsen], namespace);

jest.setTimeout(120_000);

/** `principal`'s own connection to the test broker (the local brokers' credentials). */
function connectionAs(principal: string): KafkaConnection {
  const credentials = localBrokerCredentials(adminConnection);
  if (!credentials) throw new Error('this test connects as the router and the dashboard: it needs the local brokers and their credentials (.cache/kafka/credentials.json)');
  return { brokers: adminConnection.brokers, sasl: { mechanism: credentials.mechanism, username: principal, password: credentials.passwords[principal] } };
}

/** Dresden's registration of Anna, as Dresden's relay would have written it onto its outgoing topic. */
function registrationFrom(source: ResidenceRegistered['envelope']['source']): ResidenceRegistered {
  return {
    envelope: { eventId: randomUUID(), eventType: 'ResidenceRegistered', occurredAt: new Date(), source, subject: { kind: 'PERSON', id: '36574261809' }, subjectVersion: 1, correlationId: randomUUID(), causationId: null, legalBasis: '§ 17 Abs. 1 BMG' },
    idnr: '36574261809',
    familyName: 'Schmidt',
    givenNames: 'Anna',
    sex: 'FEMALE',
    dateOfBirth: new Date(Date.UTC(1990, 2, 14)),
    address: { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' },
    movedInOn: new Date(Date.UTC(2026, 5, 1)),
    previousAddress: null,
    dwellingStatus: 'HAUPTWOHNUNG',
  };
}

/** The first record on `topic` whose event id header is `eventId`, read as the admin. */
function recordWithEventId(kafka: Kafka, topic: string, eventId: string): Promise<KafkaMessage> {
  return firstRecord(kafka, topic, (message) => headerText(message.headers?.[KAFKA_HEADERS.eventId]) === eventId);
}

/** The first record on `topic` that `matches`, read as the admin. */
async function firstRecord(kafka: Kafka, topic: string, matches: (message: KafkaMessage) => boolean): Promise<KafkaMessage> {
  const consumer = kafka.consumer({ groupId: `${namespace}.test-reader.${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    return await new Promise<KafkaMessage>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (matches(message)) resolve(message);
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

describe('router: re-driven dead letters come back through its own retry topic', () => {
  const kafka = kafkaClient(adminConnection, { clientId: 'router-redrive-test', logLevel: logLevel.NOTHING });
  const dashboard = kafkaClient(connectionAs(SERVICE_PRINCIPALS.opsDashboard), { clientId: 'router-redrive-test-dashboard', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  let admin: Admin;
  let registry: TestSchemaRegistry;
  let router: INestApplication;
  let codec: EventCodec;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await createBrokerAcls(admin, acls);
    Logger.overrideLogger(['error']);
    registry = await startTestSchemaRegistry({ databaseUrl, namespace });
    codec = await EventCodec.connect(registry.url);
    const config = loadRouterConfig({ ...kafkaEnvironmentOf(connectionAs(SERVICE_PRINCIPALS.router)), PORT: '1', DATABASE_URL: databaseUrl, SCHEMA_REGISTRY_URL: registry.url, NAMESPACE: namespace, ROUTED_INSTANCES: 'MUNICIPAL:14612000,STATE:14' });
    router = await startService(RouterModule.forRoot(config), { title: 'router (test)', host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
  });

  afterAll(async () => {
    await router?.close();
    await registry?.app.close();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((groupId) => groupId.startsWith(`${namespace}.`));
    await admin.deleteGroups(groups).catch(() => undefined);
    await deleteBrokerAcls(admin, acls);
    await admin.disconnect();
    for (const name of [instanceDatabaseName('router', ROUTER_INSTANCE_KEY, namespace), instanceDatabaseName('schema_registry', undefined, namespace)]) await dropDatabase(databaseUrl, name);
  });

  /** A record on the router's retry topic as the dashboard's principal writes it, claiming to come from `sentOnTopic`. */
  async function offerOnRetryTopic(event: ResidenceRegistered, sentOnTopic: string): Promise<void> {
    const producer = dashboard.producer();
    await producer.connect();
    try {
      const headers = { [KAFKA_HEADERS.eventType]: 'ResidenceRegistered', [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.sentOnTopic]: sentOnTopic };
      await producer.send({ topic: redriveTopicOf(routerGroup), acks: -1, messages: [{ key: '36574261809', value: codec.encode(event), headers }] });
    } finally {
      await producer.disconnect();
    }
  }

  it("delivers a router's dead letter re-driven by the dashboard's principal, without a record on the sender's outgoing topic, and reports it applied", async () => {
    const event = registrationFrom({ level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' });
    const headers = { [KAFKA_HEADERS.eventType]: 'ResidenceRegistered', [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.correlationId]: event.envelope.correlationId };
    const original: KafkaMessage = { key: Buffer.from('36574261809'), value: codec.encode(event), headers, offset: '0', timestamp: String(Date.now()), attributes: 0 };
    const deadLetter = deadLetterRecord(original, { reasonCode: 'retries-exhausted', reason: 'database: connection refused', sourceTopic: dresdenOutgoing, sourcePartition: 0, consumerGroup: routerGroup, attempts: 5 });

    const producer = dashboard.producer();
    await producer.connect();
    let redriven: RedrivenRecord | undefined;
    try {
      redriven = await redrive(producer, { key: original.key, value: original.value, headers: deadLetter.headers });
      expect(redriven.topic).toBe(redriveTopicOf(routerGroup));
      // the sender's stream proves the sender: the dashboard may not write it
      await expect(producer.send({ topic: dresdenOutgoing, acks: -1, messages: [{ key: original.key, value: original.value, headers }] })).rejects.toThrow(/not authorized/i);
    } finally {
      await producer.disconnect();
    }

    const delivered = await recordWithEventId(kafka, sachsenDeliveries, event.envelope.eventId);
    expect(headerText(delivered.headers?.[KAFKA_HEADERS.recipientRegister])).toBe('LANDESMELDEREGISTER');
    expect((await codec.decode(delivered.value)).event).toMatchObject({ idnr: '36574261809', envelope: { eventId: event.envelope.eventId, source: { instanceKey: '14612000' } } });
    const outgoing = await admin.fetchTopicOffsets(dresdenOutgoing);
    expect(outgoing.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(0);
    const outcome = await firstRecord(kafka, redriveOutcomeTopicOf(routerGroup), (message) => message.key?.toString() === redriven?.deadLetterId);
    expect(parseRedriveOutcome(outcome.value)).toMatchObject({ kind: 'applied', eventId: event.envelope.eventId, redriven: { topic: redriven?.topic, partition: redriven?.partition, offset: redriven?.offset } });
  });

  it('dead-letters a record on the retry topic whose envelope names another sender than the topic it claims (source-mismatch)', async () => {
    const forged = registrationFrom({ level: 'MUNICIPAL', instanceKey: '03241001', register: 'MELDEREGISTER' });
    await offerOnRetryTopic(forged, dresdenOutgoing);
    const deadLetter = await recordWithEventId(kafka, deadLetterTopicOf(routerGroup), forged.envelope.eventId);
    expect(headerText(deadLetter.headers?.[KAFKA_HEADERS.dlqReasonCode])).toBe('source-mismatch');
    expect(headerText(deadLetter.headers?.[KAFKA_HEADERS.dlqReason])).toContain(`is not hosted by the writer of ${dresdenOutgoing}`);
  });

  it('dead-letters a record on the retry topic that names no topic the router reads', async () => {
    const event = registrationFrom({ level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' });
    await offerOnRetryTopic(event, sachsenDeliveries);
    const deadLetter = await recordWithEventId(kafka, deadLetterTopicOf(routerGroup), event.envelope.eventId);
    expect(headerText(deadLetter.headers?.[KAFKA_HEADERS.dlqReasonCode])).toBe('source-mismatch');
    expect(headerText(deadLetter.headers?.[KAFKA_HEADERS.dlqReason])).toBe(`regsync-sent-on-topic: ${sachsenDeliveries} is no topic this consumer group reads`);
  });
});

import { Kafka, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec, decodeStateRecord } from '@regsync/contracts/event-encoding';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { TestEnvironment, startTestEnvironment, waitFor } from '@regsync/messaging-testing/test-environment';
import { FlowEvents } from '@regsync/apps/replay/test/support/register-flow-events';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { startTestRouter } from '@regsync/apps/router/test/support/start-test-router';

const ROUTED = 'MUNICIPAL:03404000,MUNICIPAL:14612000,STATE:03,STATE:14,FEDERAL:DE';
const SENDERS = ['03404000', '14612000'];

/**
 * Two senders' events about many subjects, one refused (DIN 91379) and one after a missing version (held): what the
 * router delivers when it finds them all at once, several partitions in one transaction, against one at a time.
 */
function mixedFlows(): RegsyncEvent[] {
  const flows = new FlowEvents();
  const unique = new Set<string>();
  while (unique.size < 16) unique.add(generateIdnr());
  const idnrs = [...unique];
  idnrs.forEach((idnr) => flows.registerInOsnabrueck(idnr));
  idnrs.forEach((idnr, n) => {
    if (n % 4 === 1) flows.moveToDresden(idnr);
    if (n % 4 === 2) flows.marryInOsnabrueck(idnr, 'Weber');
    if (n % 4 === 3) flows.dieInOsnabrueck(idnr);
  });
  flows.nameChangeWithInvalidText(idnrs[0]);
  const gap = flows.emit('NameChanged', '03404000', 'PERSONENSTANDSREGISTER', idnrs[4], {
    idnr: idnrs[4], familyName: 'Lücke', givenNames: 'Anna', previousFamilyName: 'Schmidt', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: new Date('2026-06-01T00:00:00.000Z'),
  });
  gap.envelope.subjectVersion += 1;
  return flows.events;
}

describe('router: the partitions of one fetch in one transaction', () => {
  const events = mixedFlows();
  const envs: TestEnvironment[] = [];
  const closers: (() => Promise<void>)[] = [];

  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    for (const env of envs) await env.close();
  }, 60_000);

  async function producerOf(env: TestEnvironment): Promise<{ producer: Producer; codec: EventCodec }> {
    const producer = env.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    closers.push(() => producer.disconnect());
    return { producer, codec: await EventCodec.connect(env.schemaRegistryUrl) };
  }

  function send(producer: Producer, codec: EventCodec, env: TestEnvironment, batch: RegsyncEvent[]) {
    return producer.sendBatch({
      acks: -1,
      topicMessages: SENDERS.map((key) => ({
        topic: outgoingTopicOf('municipal-register', key, env.namespace),
        messages: batch
          .filter((event) => event.envelope.source.instanceKey === key)
          .map((event) => ({
            key: event.envelope.subject.id,
            value: codec.encode(event),
            headers: { [KAFKA_HEADERS.eventType]: event.envelope.eventType, [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.correlationId]: event.envelope.correlationId },
          })),
      })),
    });
  }

  async function routed(kafka: Kafka, env: TestEnvironment, dataSource: DataSource, sent: number): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = SENDERS.map((key) => outgoingTopicOf('municipal-register', key, env.namespace));
      await waitFor(`the router's group at the end of ${sent} records`, async () => {
        const [committed] = [await admin.fetchOffsets({ groupId: consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, env.namespace), topics })];
        const done = committed.flatMap(({ partitions }) => partitions).reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
        return done >= sent;
      }, 60_000);
      await waitFor('the outbox published', async () => ((await dataSource.query('select count(*)::int as n from regsync_outbox where published_at is null')) as { n: number }[])[0].n === 0, 60_000);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * What the router put out, by topic (namespace cut off), key and sender, in order: each delivery's event, addressee
   * and stamp with its decoded content; each subject's final state record (its deliveries' events); each dead letter's
   * reason. Between two senders' events about a subject there is no order to keep (two topics), so none is compared.
   */
  async function routedOutput(env: TestEnvironment, dataSource: DataSource) {
    const codec = await EventCodec.connect(env.schemaRegistryUrl);
    const rows = (await dataSource.query('select topic, record_key, event_type, payload, headers from regsync_outbox order by id')) as {
      topic: string;
      record_key: string;
      event_type: string;
      payload: Buffer | null;
      headers: Record<string, string>;
    }[];
    const senderOf = (eventId: string) => events.find((event) => event.envelope.eventId === eventId)?.envelope.source.instanceKey;
    const bySender = (eventIds: string[]) => SENDERS.map((sender) => eventIds.filter((eventId) => senderOf(eventId) === sender));
    const output = new Map<string, unknown[]>();
    const finalState = new Map<string, unknown>();
    for (const row of rows) {
      const where = `${row.topic.replace(env.namespace, '<ns>')} ${row.record_key}`;
      if (row.event_type === 'state') {
        finalState.set(where, bySender(decodeStateRecord(row.payload!).deliveries.map(({ headers }) => headers[KAFKA_HEADERS.eventId])));
        continue;
      }
      if (row.event_type === 'tombstone') {
        finalState.set(where, null);
        continue;
      }
      const { headers } = row;
      const content = row.topic.endsWith('.dlq') ? headers[KAFKA_HEADERS.dlqReasonCode] : JSON.parse(JSON.stringify((await codec.decode(row.payload)).event));
      const stream = `${where} from ${senderOf(headers[KAFKA_HEADERS.eventId])}`;
      output.set(stream, [
        ...(output.get(stream) ?? []),
        [headers[KAFKA_HEADERS.eventId], headers[KAFKA_HEADERS.recipientAuthority], headers[KAFKA_HEADERS.recipientRegister], headers[KAFKA_HEADERS.previousDeliveredVersion], content],
      ]);
    }
    return { output: Object.fromEntries([...output].sort()), finalState: Object.fromEntries([...finalState].sort()) };
  }

  it('routes events of many partitions found at once in fewer transactions than partitions, with exactly the deliveries, stamps and dead letters of routing them one at a time', async () => {
    const together = await startTestEnvironment();
    envs.push(together);
    // The router creates the topics; the events wait there for its next start, which finds them in one fetch.
    await (await startTestRouter(together, ROUTED)).close();
    const { producer, codec } = await producerOf(together);
    await send(producer, codec, together, events);
    const router = await startTestRouter(together, ROUTED);
    closers.push(router.close);
    const togetherData = router.app.get(DataSource);
    await routed(together.kafka, together, togetherData, events.length);

    const oneByOne = await startTestEnvironment();
    envs.push(oneByOne);
    const single = await startTestRouter(oneByOne, ROUTED);
    closers.push(single.close);
    const singleData = single.app.get(DataSource);
    const sender = await producerOf(oneByOne);
    for (const [index, event] of events.entries()) {
      await send(sender.producer, sender.codec, oneByOne, [event]);
      await routed(oneByOne.kafka, oneByOne, singleData, index + 1);
    }

    const [{ transactions, partitions }] = (await togetherData.query(
      'select count(distinct processed_at)::int as transactions, count(distinct (topic, partition))::int as partitions from regsync_inbox',
    )) as { transactions: number; partitions: number }[];
    // Kafka hands each partition its batch on its own; without the group commit that is a transaction each. How many
    // join one transaction depends on when the batches arrive (a loaded machine splits them), so only "fewer" is asserted.
    expect(partitions).toBeGreaterThan(2);
    expect(transactions).toBeLessThan(partitions);

    const expected = await routedOutput(oneByOne, singleData);
    expect(Object.entries(expected.output).filter(([where]) => where.includes('.dlq '))).toEqual([[expect.any(String), [[events.find((event) => 'familyName' in event && String(event.familyName).includes('\u202E'))!.envelope.eventId, undefined, undefined, undefined, expect.any(String)]]]]);
    expect(await routedOutput(together, togetherData)).toEqual(expected);
    const held = (await togetherData.query('select count(*)::int as n from regsync_held_event')) as { n: number }[];
    expect(held[0].n).toBe(1);
  }, 240_000);
});

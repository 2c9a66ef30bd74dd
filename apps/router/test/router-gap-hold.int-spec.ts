import { INestApplication } from '@nestjs/common';
import { KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { EventType, RegsyncEvent } from '@regsync/contracts/generated/events';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deliveryTopicOf, outgoingTopicOf, KAFKA_HEADERS } from '@regsync/contracts/topics';
import { deadLetterRecord, redrive } from '@regsync/messaging/dead-letter-redrive';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { TestEnvironment, startTestEnvironment, waitFor } from '@regsync/messaging-testing/test-environment';
import { startTestRouter } from './support/start-test-router';
import { eventOf, residenceDraft, subjectId } from '@regsync/messaging-testing/test-events';

describe("router: hold at a gap on a sender's outgoing stream", () => {
  let env: TestEnvironment;
  let app: INestApplication;
  let closeRouter: (() => Promise<void>) | undefined;
  let producer: Producer;
  let codec: EventCodec;
  const osnabrueckOutgoing = () => outgoingTopicOf('municipal-register', '03404000', env.namespace);

  beforeAll(async () => {
    env = await startTestEnvironment();
    ({ app, close: closeRouter } = await startTestRouter(env, 'MUNICIPAL:03404000,STATE:03,FEDERAL:DE'));
    codec = app.get(EventCodec);
    producer = env.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await closeRouter?.();
    await env?.close();
  }, 60_000);

  function registration(idnr: string, version: number): RegsyncEvent {
    return Object.assign(eventOf(residenceDraft(idnr), version), { dwellingStatus: 'HAUPTWOHNUNG' });
  }

  function recordOf(event: RegsyncEvent): Pick<KafkaMessage, 'key' | 'value' | 'headers'> {
    const headers = { [KAFKA_HEADERS.eventType]: event.envelope.eventType as EventType, [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.correlationId]: event.envelope.correlationId };
    return { key: Buffer.from(event.envelope.subject.id), value: codec.encode(event), headers };
  }

  async function query<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return (await app.get(DataSource).query(sql, parameters)) as T[];
  }

  /** The deliveries to Niedersachsen of `idnr`, in outbox order: version and stamp. */
  async function deliveriesToLand(idnr: string): Promise<{ version: number; stamp: string | null }[]> {
    const rows = await query<{ subject_version: string; stamp: string | null }>(
      `select subject_version, headers ->> $2 as stamp from regsync_outbox where record_key = $1 and topic = $3 order by id`,
      [idnr, KAFKA_HEADERS.previousDeliveredVersion, deliveryTopicOf('state-register', '03', env.namespace)],
    );
    return rows.map((row) => ({ version: Number(row.subject_version), stamp: row.stamp }));
  }

  async function heldVersions(idnr: string): Promise<number[]> {
    return (await query<{ subject_version: string }>('select subject_version from regsync_held_event where subject_id = $1 order by subject_version', [idnr])).map((row) => Number(row.subject_version));
  }

  it('holds the versions after a missing one (other subjects go on) and routes all of them in order, stamped, once it is re-driven', async () => {
    const idnr = subjectId(401);
    const other = subjectId(402);
    const [first, second, third] = [1, 2, 3].map((version) => registration(idnr, version));
    const forged = { ...recordOf(second), headers: { ...recordOf(second).headers, [KAFKA_HEADERS.previousDeliveredVersion]: '7' } };
    await producer.send({ topic: osnabrueckOutgoing(), acks: -1, messages: [forged, recordOf(third)] });
    await producer.send({ topic: osnabrueckOutgoing(), acks: -1, messages: [recordOf(registration(other, 1))] });

    await waitFor('versions 2 and 3 held', async () => (await heldVersions(idnr)).length === 2, 60_000);
    await waitFor('the other subject routed', async () => (await deliveriesToLand(other)).length === 1, 60_000);
    expect(await deliveriesToLand(idnr)).toEqual([]);
    const held = (await app.get(RegsyncKafkaTransport).held!.heldSubjects()).filter((subject) => subject.subjectId === idnr);
    expect(held).toEqual([expect.objectContaining({ sourceInstanceKey: '03404000', sourceRegister: 'MELDEREGISTER', waitingFor: 1, appliedVersion: null, held: 2 })]);
    const heldMetric = (await app.get(RegsyncMetrics).heldSubjects.get()).values.find((value) => value.labels.group === consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, env.namespace));
    expect(heldMetric?.value).toBe(1);

    // Version 1 comes back as a re-driven dead letter of the router: through its re-drive topic, not the sender's.
    const deadLetter = deadLetterRecord({ ...recordOf(first), offset: '0', timestamp: String(Date.now()), attributes: 0 } as KafkaMessage, {
      reasonCode: 'retries-exhausted',
      reason: 'test: failed before',
      sourceTopic: osnabrueckOutgoing(),
      sourcePartition: 0,
      consumerGroup: consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, env.namespace),
      attempts: 5,
    });
    await redrive(producer, { key: deadLetter.key as Buffer, value: deadLetter.value as Buffer, headers: deadLetter.headers });

    await waitFor('all three routed', async () => (await deliveriesToLand(idnr)).length === 3, 60_000);
    // The sender's forged stamp is not passed on: the router alone stamps.
    expect(await deliveriesToLand(idnr)).toEqual([
      { version: 1, stamp: null },
      { version: 2, stamp: '1' },
      { version: 3, stamp: '2' },
    ]);
    expect(await heldVersions(idnr)).toEqual([]);
    const outcomes = await query<{ outcome: string }>('select outcome from regsync_inbox where event_id = any($1::uuid[]) order by outcome', [[first, second, third].map((event) => event.envelope.eventId)]);
    expect(outcomes.map((row) => row.outcome)).toEqual(['applied', 'applied', 'applied']);
  }, 120_000);
});

import { Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { consumerGroupOf, deadLetterTopicOf, deliveryTopicOf } from '@regsync/contracts/topics';
import { deadLetterInfo } from '../src/dead-letters';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { produceEvents } from './support/produce-events';
import { readTopic } from './support/read-topic';
import { RunningTestRegister, startTestRegister } from './support/running-test-register';
import { TestEnvironment, waitFor } from './support/test-environment';
import { eventOf, personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY } from './support/test-register.module';

describe('RegsyncKafkaTransport', () => {
  let env: TestEnvironment;
  let running: RunningTestRegister;
  let dataSource: DataSource;
  let codec: EventCodec;
  let producer: Producer;
  const metrics = new RegsyncMetrics();

  beforeAll(async () => {
    running = await startTestRegister({ metrics });
    ({ env, dataSource, codec, producer } = running);
  }, 60_000);

  afterAll(async () => {
    await running?.close();
  }, 60_000);

  async function appliedOf(subject: string): Promise<{ event_type: string; subject_version: string; traceparent: string }[]> {
    return dataSource.query('select event_type, subject_version, traceparent from applied_events where subject_id = $1 order by seq', [subject]);
  }

  it('applies one subject’s events in version order across event types, with the producer’s trace', async () => {
    const subject = subjectId(1);
    const drafts = Array.from({ length: 12 }, (_, n) => personDraft(subject, n));
    await produceEvents(producer, codec, env.namespace, subject, drafts.map((draft, n) => eventOf(draft, n + 1)));

    await waitFor('12 applied events', async () => (await appliedOf(subject)).length === 12);
    const applied = await appliedOf(subject);
    expect(applied.map((row) => [row.event_type, Number(row.subject_version)])).toEqual(drafts.map((draft, n) => [draft.eventType, n + 1]));
    expect(applied[0].traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  }, 30_000);

  it('ignores a redelivered event and an older version, and applies a later one as no gap: a delivery stream skips the versions routed elsewhere', async () => {
    const subject = subjectId(2);
    const events = [1, 2, 3].map((version) => eventOf(personDraft(subject, version), version));
    await produceEvents(producer, codec, env.namespace, subject, events);
    await waitFor('3 applied events', async () => (await appliedOf(subject)).length === 3);
    const gapsBefore = (await metrics.versionGaps.get()).values.reduce((sum, value) => sum + value.value, 0);

    const redelivered = events[1];
    const older = eventOf(personDraft(subject, 7), 2);
    const afterGap = eventOf(personDraft(subject, 5), 5);
    await produceEvents(producer, codec, env.namespace, subject, [redelivered, older, afterGap]);

    await waitFor('the later event', async () => (await appliedOf(subject)).length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await appliedOf(subject)).map((row) => Number(row.subject_version))).toEqual([1, 2, 3, 5]);
    const gapsAfter = (await metrics.versionGaps.get()).values.reduce((sum, value) => sum + value.value, 0);
    expect(gapsAfter - gapsBefore).toBe(0);
  }, 30_000);

  it('dead-letters a poison message with its reason and keeps applying the messages after it on the partition', async () => {
    const subject = subjectId(3);
    const garbage = Buffer.from('definitely not avro');
    const rejectedByHandler = eventOf(personDraft(subject, 0, 'REJECTED'), 2);
    const rejectedByAdmit = eventOf(personDraft(subject, 0, 'FOREIGN'), 3);
    await produceEvents(producer, codec, env.namespace, subject, [eventOf(personDraft(subject, 1), 1), garbage, rejectedByHandler, rejectedByAdmit, eventOf(personDraft(subject, 4), 4), eventOf(personDraft(subject, 5), 5)]);

    await waitFor('the events after the poison', async () => (await appliedOf(subject)).length === 3);
    expect((await appliedOf(subject)).map((row) => Number(row.subject_version))).toEqual([1, 4, 5]);

    const deadLetters = await readTopic(env.kafka, deadLetterTopicOf(consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace)), 3);
    expect(deadLetters.map(({ message }) => deadLetterInfo(message).reasonCode)).toEqual(['undecodable', 'not-authoritative', 'not-authoritative']);
    const poison = deadLetters[0].message;
    expect(poison.value).toEqual(garbage);
    expect(poison.key?.toString()).toBe(subject);
    const info = deadLetterInfo(poison);
    expect(info.reason).toMatch(/not in Confluent wire format/);
    expect(info.sourceTopic).toBe(deliveryTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace));
    expect(Number(info.sourceOffset)).toBeGreaterThan(0);
    expect(info.attempts).toBe(1);
  }, 30_000);

  it('dead-letters an event whose handler keeps failing after bounded retries', async () => {
    const subject = subjectId(4);
    await produceEvents(producer, codec, env.namespace, subject, [eventOf(personDraft(subject, 0, 'FLAKY'), 1), eventOf(personDraft(subject, 1), 2)]);

    await waitFor('the event after the failing one', async () => (await appliedOf(subject)).length === 1, 20_000);
    const deadLetters = await readTopic(env.kafka, deadLetterTopicOf(consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace)), 4, { quietMs: 500 });
    const info = deadLetterInfo(deadLetters[deadLetters.length - 1].message);
    expect(info.reasonCode).toBe('retries-exhausted');
    expect(info.attempts).toBe(5);
    expect(info.reason).toMatch(/a fault that never goes away/);
  }, 30_000);

  it('writes nothing about an event that admit ignores: no inbox row, no subject version', async () => {
    const subject = subjectId(5);
    // Were the ignored version 9 recorded, version 3 after it would be stale and never applied.
    const ignored = eventOf(personDraft(subject, 0, 'NOT-FOR-US'), 9);
    await produceEvents(producer, codec, env.namespace, subject, [eventOf(personDraft(subject, 1), 1), ignored, eventOf(personDraft(subject, 2), 3)]);

    await waitFor('the event after the ignored one', async () => (await appliedOf(subject)).length === 2);
    expect((await appliedOf(subject)).map((row) => Number(row.subject_version))).toEqual([1, 3]);
    expect(await dataSource.query('select event_id from regsync_inbox where event_id = $1', [ignored.envelope.eventId])).toEqual([]);
    const versions = (await dataSource.query('select version::int as version from regsync_applied_version where subject_id = $1', [subject])) as { version: number }[];
    expect(versions).toEqual([{ version: 3 }]);
  }, 30_000);
  it('commits past the transaction markers, so the group shows no lag once every event is applied', async () => {
    const subjects = Array.from({ length: 12 }, (_, n) => subjectId(100 + n));
    const transactional = env.kafka.producer({ transactionalId: `test-${env.namespace}-lag`, idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await transactional.connect();
    try {
      // Each transaction leaves a commit marker (a control record) after its last event on every partition it wrote.
      for (let version = 1; version <= 3; version++) {
        const transaction = await transactional.transaction();
        for (const subject of subjects) await produceEvents(transaction, codec, env.namespace, subject, [eventOf(personDraft(subject, version), version)]);
        await transaction.commit();
      }
      // An aborted transaction: its events and its abort marker are skipped, and the offsets must move past them too.
      const aborted = await transactional.transaction();
      for (const subject of subjects) await produceEvents(aborted, codec, env.namespace, subject, [eventOf(personDraft(subject, 4, 'ABORTED'), 4)]);
      await aborted.abort();
    } finally {
      await transactional.disconnect();
    }
    const appliedCount = async () => ((await dataSource.query('select count(*)::int as count from applied_events where subject_id = any($1)', [subjects])) as { count: number }[])[0].count;
    await waitFor('36 applied events', async () => (await appliedCount()) === 36, 15_000);

    const topic = deliveryTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace);
    const admin = env.kafka.admin();
    await admin.connect();
    let offsets: { partition: number; committed: string; end: string }[] = [];
    try {
      await waitFor('committed offsets at the log end of every partition', async () => {
        const [ends, [committed]] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId: consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace), topics: [topic] }),
        ]);
        offsets = ends.map(({ partition, high }) => ({ partition, end: high, committed: committed.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1' }));
        return offsets.every(({ committed, end }) => end === '0' || committed === end);
      }, 15_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(offsets)}`);
      });
    } finally {
      await admin.disconnect();
    }
    expect(offsets.filter(({ end }) => end !== '0').length).toBeGreaterThan(1);
    expect(await appliedCount()).toBe(36);
  }, 45_000);
});

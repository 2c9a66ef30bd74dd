import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { consumerGroupOf, deadLetterTopicOf } from '@regsync/contracts/topics';
import { deadLetterInfo } from '../src/dead-letters';
import { produceEvents } from './support/produce-events';
import { readTopic } from './support/read-topic';
import { RunningTestRegister, startTestRegister } from './support/running-test-register';
import { TestEnvironment, waitFor } from './support/test-environment';
import { deathDraft, eventOf, personDraft, residenceDraft, subjectId } from './support/test-events';
import { CountingInterceptor, TEST_APP, TEST_INSTANCE_KEY } from './support/test-register.module';

describe('@EventBatchPattern handlers beside @EventPattern handlers', () => {
  let env: TestEnvironment;
  let running: RunningTestRegister;
  let dataSource: DataSource;
  let codec: EventCodec;
  let producer: Producer;

  beforeAll(async () => {
    running = await startTestRegister({ logger: ['error'] });
    ({ env, dataSource, codec, producer } = running);
  }, 60_000);

  afterAll(async () => {
    await running?.close();
  }, 60_000);

  async function appliedOf(subject: string): Promise<[string, number][]> {
    const rows = (await dataSource.query('select event_type, subject_version from applied_events where subject_id = $1 order by seq', [subject])) as { event_type: string; subject_version: string }[];
    return rows.map((row) => [row.event_type, Number(row.subject_version)]);
  }

  it('hands consecutive new events of one type to the batch handler at once, keeping the subject’s order across types', async () => {
    const subject = subjectId(101);
    const drafts = [residenceDraft(subject), residenceDraft(subject), residenceDraft(subject), personDraft(subject, 0), residenceDraft(subject), residenceDraft(subject)];
    const batchesBefore = (await dataSource.query('select coalesce(max(seq), 0)::int as seq from applied_batches')) as { seq: number }[];
    await produceEvents(producer, codec, env.namespace, subject, drafts.map((draft, n) => eventOf(draft, n + 1)));

    await waitFor('6 applied events', async () => (await appliedOf(subject)).length === 6);
    expect(await appliedOf(subject)).toEqual(drafts.map((draft, n) => [draft.eventType, n + 1]));
    const sizes = ((await dataSource.query('select size from applied_batches where seq > $1 order by seq', [batchesBefore[0].seq])) as { size: number }[]).map((row) => row.size);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(5);
    // One produce call arrives as one fetch: the NameChanged splits the five into a batch of 3 and one of 2.
    expect(sizes).toEqual([3, 2]);
  }, 30_000);

  it('passes no redelivered or stale event to the batch handler', async () => {
    const subject = subjectId(102);
    const events = [1, 2].map((version) => eventOf(residenceDraft(subject), version));
    await produceEvents(producer, codec, env.namespace, subject, events);
    await waitFor('2 applied events', async () => (await appliedOf(subject)).length === 2);

    await produceEvents(producer, codec, env.namespace, subject, [events[1], eventOf(residenceDraft(subject), 1), eventOf(residenceDraft(subject), 3)]);
    await waitFor('the third version', async () => (await appliedOf(subject)).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await appliedOf(subject)).map(([, version]) => version)).toEqual([1, 2, 3]);
  }, 30_000);

  it('dead-letters the one event that makes a batch handler throw, and applies the rest of its batch', async () => {
    const subject = subjectId(103);
    const drafts = [residenceDraft(subject), residenceDraft(subject), residenceDraft(subject, 'REJECTED'), residenceDraft(subject), residenceDraft(subject, 'FLAKY'), residenceDraft(subject)];
    const events = drafts.map((draft, n) => eventOf(draft, n + 1));
    await produceEvents(producer, codec, env.namespace, subject, events);

    await waitFor('the events around the failing ones', async () => (await appliedOf(subject)).length === 4, 25_000);
    expect((await appliedOf(subject)).map(([, version]) => version)).toEqual([1, 2, 4, 6]);
    const deadLetters = await readTopic(env.kafka, deadLetterTopicOf(consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace)), 2, { quietMs: 500 });
    const infos = deadLetters.map(({ message }) => deadLetterInfo(message));
    expect(infos.map((info) => [info.reasonCode, info.attempts])).toEqual([
      ['invalid', 1],
      ['retries-exhausted', 5],
    ]);
    expect(deadLetters.map(({ message }) => message.headers?.['regsync-event-id']?.toString())).toEqual([events[2].envelope.eventId, events[4].envelope.eventId]);
  }, 40_000);

  it('runs a handler with an interceptor of its own through Nest, with its parameters in their places', async () => {
    const subject = subjectId(104);
    const callsBefore = CountingInterceptor.calls;
    await produceEvents(producer, codec, env.namespace, subject, [eventOf(personDraft(subject, 1), 1), eventOf(deathDraft(subject), 2)]);

    await waitFor('2 applied events', async () => (await appliedOf(subject)).length === 2);
    expect(await appliedOf(subject)).toEqual([
      ['MovedOut', 1],
      ['DeathRecorded', 2],
    ]);
    expect(CountingInterceptor.calls - callsBefore).toBe(1);
  }, 30_000);
});

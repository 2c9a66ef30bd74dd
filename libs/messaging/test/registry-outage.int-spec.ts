import { consumerGroupOf, deadLetterTopicOf } from '@regsync/contracts/topics';
import { produceEvents } from './support/produce-events';
import { RunningTestRegister, startTestRegister } from './support/running-test-register';
import { waitFor } from './support/test-environment';
import { eventOf, personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY } from './support/test-register.module';

// More rounds than the attempts a handler fault gets (5) before it is dead-lettered.
const FAILED_ROUNDS = 8;

describe('a consumer while the schema registry is down', () => {
  let running: RunningTestRegister;
  const realFetch = global.fetch;
  // Failed lookups of the first event's schema: one per round of the partition.
  let failedRounds = 0;
  let watchedLookup = '';

  beforeAll(async () => {
    running = await startTestRegister();
    watchedLookup = `/schemas/ids/${running.codec.schemaIdOf('NameChanged')}`;
    // Counts the consumer's lookups that fail (registry and consumer run in this process); calls go through unchanged.
    jest.spyOn(global, 'fetch').mockImplementation(async (...args: Parameters<typeof fetch>) => {
      try {
        return await realFetch(...args);
      } catch (error) {
        if (String(args[0]).endsWith(watchedLookup)) failedRounds++;
        throw error;
      }
    });
  }, 60_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await running?.close();
  }, 60_000);

  it('dead-letters nothing, waits, and applies the events in order once the registry is back', async () => {
    const { env, codec, producer, dataSource } = running;
    const subject = subjectId(1);
    const deadLetters = async () => (await dataSource.query('select event_id from regsync_outbox where topic = $1', [deadLetterTopicOf(consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace))])) as unknown[];
    await env.stopSchemaRegistry();
    await produceEvents(producer, codec, env.namespace, subject, [eventOf(personDraft(subject, 0), 1), eventOf(personDraft(subject, 1), 2)]);

    await waitFor(`${FAILED_ROUNDS} failed rounds or a dead letter`, async () => failedRounds >= FAILED_ROUNDS || (await deadLetters()).length > 0, 90_000);
    expect(await deadLetters()).toEqual([]);
    expect(await dataSource.query('select event_id from applied_events where subject_id = $1', [subject])).toEqual([]);

    await env.restartSchemaRegistry();
    await waitFor('both events applied', async () => ((await dataSource.query('select 1 from applied_events where subject_id = $1', [subject])) as unknown[]).length === 2, 30_000);
    const applied = (await dataSource.query('select subject_version::int as version from applied_events where subject_id = $1 order by seq', [subject])) as { version: number }[];
    expect(applied.map((row) => row.version)).toEqual([1, 2]);
    expect(await deadLetters()).toEqual([]);
  }, 120_000);
});

import { DataSource } from 'typeorm';
import { committedDeliveryOffsets, countOf, startConsumerKilledAtOffsetCommit, testRegisterDatabase } from './support/crashing-consumer';
import { produceEvents } from './support/produce-events';
import { TestEnvironment, startTestEnvironment, waitFor } from './support/test-environment';
import { eventOf, personDraft, subjectId } from './support/test-events';

const SUBJECTS = 20;
const EVENTS_PER_SUBJECT = 25;

describe('a consumer killed between its database commit and its offset commit', () => {
  let env: TestEnvironment;
  let dataSource: DataSource | undefined;

  beforeAll(async () => {
    env = await startTestEnvironment();
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await env?.close();
  }, 60_000);

  it('applies no event twice after its restart', async () => {
    // The first run creates the database and topics, applies a first batch and dies before committing its offset.
    const { doomed, codec, producer } = await startConsumerKilledAtOffsetCommit(env);
    for (let subject = 0; subject < SUBJECTS; subject++) {
      const id = subjectId(subject);
      await produceEvents(producer, codec, env.namespace, id, Array.from({ length: EVENTS_PER_SUBJECT }, (_, n) => eventOf(personDraft(id, n), n + 1)));
    }
    await producer.disconnect();
    const { signal } = await doomed.exited;
    expect(signal).toBe('SIGKILL');

    dataSource = await testRegisterDatabase(env);
    const appliedBeforeRestart = await appliedCount();
    expect(appliedBeforeRestart).toBeGreaterThan(0);
    // What the database holds is ahead of what Kafka knows was consumed: the restart will see those events again.
    const committedTotal = (await committedDeliveryOffsets(env)).reduce((sum, offset) => sum + Math.max(0, offset), 0);
    expect(committedTotal).toBeLessThan(appliedBeforeRestart);

    const survivor = env.spawnFixture('consumer-process');
    await waitFor('every event to be applied', async () => (await appliedCount()) >= SUBJECTS * EVENTS_PER_SUBJECT, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    survivor.child.kill('SIGTERM');
    await survivor.exited;

    const [{ rows, distinct }] = (await dataSource.query('select count(*)::int as rows, count(distinct event_id)::int as distinct from applied_events')) as { rows: number; distinct: number }[];
    expect(rows).toBe(SUBJECTS * EVENTS_PER_SUBJECT);
    expect(distinct).toBe(SUBJECTS * EVENTS_PER_SUBJECT);
    expect(await countOf(dataSource, `select count(*)::int as count from regsync_inbox where outcome = 'duplicate'`)).toBe(0);
  }, 90_000);

  const appliedCount = () => countOf(dataSource!, 'select count(*)::int as count from applied_events');
});

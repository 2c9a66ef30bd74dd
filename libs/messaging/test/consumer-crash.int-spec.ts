import { Partitioners } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-codec';
import { consumerGroupOf, deliveryTopicOf } from '@regsync/contracts/topic-catalog';
import { databaseUrl } from '@regsync/persistence/database-url';
import { produceEvents } from './support/produce-events';
import { TestEnvironment, startTestEnvironment, waitFor } from './support/test-environment';
import { eventOf, personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY, testDatabaseName } from './support/test-register.module';

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
    const doomed = env.spawnFixture('consumer-process', { KILL_AT_OFFSET_COMMIT: '1' });
    await waitFor('the consumer to start', async () => doomed.output().includes('consumer started') || doomed.child.exitCode !== null, 40_000);
    const codec = await EventCodec.connect(env.schemaRegistryUrl);
    const producer = env.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let subject = 0; subject < SUBJECTS; subject++) {
      const id = subjectId(subject);
      await produceEvents(producer, codec, env.namespace, id, Array.from({ length: EVENTS_PER_SUBJECT }, (_, n) => eventOf(personDraft(id, n), n + 1)));
    }
    await producer.disconnect();
    const { signal } = await doomed.exited;
    expect(signal).toBe('SIGKILL');

    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)) }).initialize();
    const appliedBeforeRestart = await appliedCount();
    expect(appliedBeforeRestart).toBeGreaterThan(0);
    const admin = env.kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace), topics: [deliveryTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace)] });
    await admin.disconnect();
    // What the database holds is ahead of what Kafka knows was consumed: the restart will see those events again.
    const committedTotal = committed.partitions.reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
    expect(committedTotal).toBeLessThan(appliedBeforeRestart);

    const survivor = env.spawnFixture('consumer-process');
    await waitFor('every event to be applied', async () => (await appliedCount()) >= SUBJECTS * EVENTS_PER_SUBJECT, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    survivor.child.kill('SIGTERM');
    await survivor.exited;

    const [{ rows, distinct }] = (await dataSource.query('select count(*)::int as rows, count(distinct event_id)::int as distinct from applied_events')) as { rows: number; distinct: number }[];
    expect(rows).toBe(SUBJECTS * EVENTS_PER_SUBJECT);
    expect(distinct).toBe(SUBJECTS * EVENTS_PER_SUBJECT);
    const [{ duplicates }] = (await dataSource.query(`select count(*)::int as duplicates from regsync_inbox where outcome = 'duplicate'`)) as { duplicates: number }[];
    expect(duplicates).toBe(0);
  }, 90_000);

  async function appliedCount(): Promise<number> {
    const [{ count }] = (await dataSource!.query('select count(*)::int as count from applied_events')) as { count: number }[];
    return count;
  }
});

import { Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { consumerGroupOf, deliveryTopicOf } from '@regsync/contracts/topics';
import { databaseUrl } from '@regsync/persistence/databases';
import { FixtureProcess, TestEnvironment, waitFor } from './test-environment';
import { TEST_APP, TEST_INSTANCE_KEY, testDatabaseName } from './test-register.module';

/**
 * The test register's consumer process, started to die (SIGKILL) right before its first offset commit, and what the
 * test needs to feed it: a codec and an idempotent producer (disconnect it when done).
 */
export async function startConsumerKilledAtOffsetCommit(env: TestEnvironment): Promise<{ doomed: FixtureProcess; codec: EventCodec; producer: Producer }> {
  const doomed = env.spawnFixture('consumer-process', { KILL_AT_OFFSET_COMMIT: '1' });
  await waitFor('the consumer to start', async () => doomed.output().includes('consumer started') || doomed.child.exitCode !== null, 40_000);
  const codec = await EventCodec.connect(env.schemaRegistryUrl);
  const producer = env.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return { doomed, codec, producer };
}

/** The offsets the test register's consumer group committed on its delivery topic, per partition. */
export async function committedDeliveryOffsets(env: TestEnvironment): Promise<number[]> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId: consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace), topics: [deliveryTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace)] });
    return committed.partitions.map(({ offset }) => Number(offset));
  } finally {
    await admin.disconnect();
  }
}

/** The test register's database, to count what the consumer committed. */
export function testRegisterDatabase(env: TestEnvironment): Promise<DataSource> {
  return new DataSource({ type: 'postgres', url: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)) }).initialize();
}

/** `select count(*)::int as count …` as a number. */
export async function countOf(dataSource: DataSource, sql: string, parameters: unknown[] = []): Promise<number> {
  const [{ count }] = (await dataSource.query(sql, parameters)) as { count: number }[];
  return count;
}

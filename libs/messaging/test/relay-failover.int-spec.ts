import { DataSource } from 'typeorm';
import type { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { KAFKA_HEADERS, outgoingTopicOf } from '@regsync/contracts/topics';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { databaseUrl, ensureDatabase } from '@regsync/persistence/databases';
import { ensureTopics } from '../src/ensure-topics';
import { messagingMigrations } from '../src/messaging-schema';
import { Outbox } from '../src/outbox';
import { readTopic } from './support/read-topic';
import { blackholeTcpConnection } from './support/tcp-blackhole';
import { FixtureProcess, TestEnvironment, startTestEnvironment, waitFor } from './support/test-environment';
import { personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY, asTestInstance, testAuthorityDatabase, testDatabaseName } from './support/test-register.module';

const SUBJECTS = 20;
const EVENTS_PER_SUBJECT_BEFORE = 5;
const EVENTS_PER_SUBJECT_AFTER = 5;

/**
 * Two replicas of one instance's relay, one active (holding the database's relay lock), one standby. The active one's
 * host vanishes: its database connection goes silent without FIN or RST (iptables drops its packets), as when a node
 * loses power or network. The standby must take over and publish every event exactly once, in subject order.
 */
describe('outbox relay failover', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  let outbox: Outbox;
  const relays: FixtureProcess[] = [];

  beforeAll(async () => {
    env = await startTestEnvironment();
    await ensureDatabase(env.databaseUrl, testDatabaseName(env.namespace));
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)), migrations: messagingMigrations, migrationsRun: true }).initialize();
    database = await testAuthorityDatabase(dataSource, testDatabaseName(env.namespace));
    const codec = await EventCodec.connect(env.schemaRegistryUrl);
    outbox = new Outbox({ app: TEST_APP, level: 'MUNICIPAL', instanceKey: TEST_INSTANCE_KEY, namespace: env.namespace, kafka: env.connection, schemaRegistryUrl: env.schemaRegistryUrl, metrics: new RegsyncMetrics(), admit: () => ({ kind: 'ignore' }) }, codec);
    await ensureTopics(env.kafka, { app: TEST_APP, instanceKey: TEST_INSTANCE_KEY, namespace: env.namespace });
  }, 60_000);

  afterAll(async () => {
    for (const relay of relays) relay.child.kill('SIGKILL');
    await Promise.all(relays.map((relay) => relay.exited));
    await dataSource?.destroy();
    await env?.close();
  }, 60_000);

  it("lets the standby take over when the active relay's host vanishes, and publishes every event exactly once, in subject order", asTestInstance(async () => {
    await appendEvents(0, EVENTS_PER_SUBJECT_BEFORE);
    const active = spawnRelay();
    await waitFor('the first relay to publish the outbox', async () => (await unpublished()) === 0, 60_000).catch(withOutput(active));
    const activeSession = await lockHolder();
    expect(activeSession).toBeDefined();
    const standby = spawnRelay();
    await waitFor('the second relay to wait as a standby', standbyWaiting, 60_000).catch(withOutput(standby));

    const vanished = blackholeTcpConnection(activeSession!.clientPort, databasePort());
    try {
      const since = Date.now();
      await appendEvents(EVENTS_PER_SUBJECT_BEFORE, EVENTS_PER_SUBJECT_AFTER);
      // Bounded by the relay's dead-peer detection (DEAD_PEER_DETECTION, ~13 s); without it the lock stays for hours.
      await waitFor('the standby to hold the relay lock', async () => {
        const holder = await lockHolder();
        return holder !== undefined && holder.pid !== activeSession!.pid;
      }, 120_000).catch(withOutput(standby));
      const tookOverAfterMs = Date.now() - since;
      await waitFor('the standby to publish the outbox', async () => (await unpublished()) === 0, 60_000).catch(withOutput(standby));
      process.stdout.write(`relay failover: the standby held the lock ${tookOverAfterMs} ms after the active relay's host vanished\n`);
    } finally {
      vanished.heal();
    }

    const total = SUBJECTS * (EVENTS_PER_SUBJECT_BEFORE + EVENTS_PER_SUBJECT_AFTER);
    const records = await readTopic(env.kafka, outgoingTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace), total);
    const eventIds = records.map(({ message }) => message.headers?.[KAFKA_HEADERS.eventId]?.toString());
    expect(new Set(eventIds).size).toBe(total);
    expect(records.length).toBe(total);
    const stored = (await dataSource.query('select event_id, subject_version from regsync_outbox')) as { event_id: string; subject_version: string }[];
    const versionOf = new Map(stored.map((row) => [row.event_id, Number(row.subject_version)]));
    const versionsBySubject = new Map<string, number[]>();
    for (const { message } of records) {
      const subject = message.key!.toString();
      versionsBySubject.set(subject, [...(versionsBySubject.get(subject) ?? []), versionOf.get(message.headers![KAFKA_HEADERS.eventId]!.toString())!]);
    }
    for (const versions of versionsBySubject.values()) expect(versions).toEqual(Array.from({ length: EVENTS_PER_SUBJECT_BEFORE + EVENTS_PER_SUBJECT_AFTER }, (_, i) => i + 1));
  }), 300_000);

  function spawnRelay(): FixtureProcess {
    const relay = env.spawnFixture('relay-process', { RELAY_BATCH_SIZE: '20' });
    relays.push(relay);
    return relay;
  }

  function withOutput(relay: FixtureProcess) {
    return (error: Error) => {
      throw new Error(`${error.message}\n${relay.output()}`);
    };
  }

  async function appendEvents(fromVersion: number, count: number): Promise<void> {
    for (let version = fromVersion; version < fromVersion + count; version++) {
      await database.transaction((manager) => outbox.appendMany(manager, Array.from({ length: SUBJECTS }, (_, subject) => personDraft(subjectId(3_000 + subject), version))));
    }
  }

  async function unpublished(): Promise<number> {
    const [{ count }] = (await dataSource.query('select count(*)::int as count from regsync_outbox where published_at is null')) as { count: number }[];
    return count;
  }

  /** The session holding the relay lock (the only advisory lock in this database), with its client's TCP port. */
  async function lockHolder(): Promise<{ pid: number; clientPort: number } | undefined> {
    const [holder] = (await dataSource.query(
      `select l.pid, a.client_port as "clientPort" from pg_locks l join pg_stat_activity a on a.pid = l.pid
       where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())`,
    )) as { pid: number; clientPort: number }[];
    return holder;
  }

  /** Whether another session than the lock holder's last asked for the relay lock: a standby polling it. */
  async function standbyWaiting(): Promise<boolean> {
    const holder = await lockHolder();
    const [{ count }] = (await dataSource.query(
      `select count(*)::int as count from pg_stat_activity where datname = current_database() and pid <> $1 and query like 'select pg_try_advisory_lock%'`,
      [holder?.pid ?? 0],
    )) as { count: number }[];
    return count > 0;
  }

  function databasePort(): number {
    return Number(new URL(env.databaseUrl).port || 5432);
  }
});

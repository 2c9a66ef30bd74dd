import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { outboxProgressTopicOf, outgoingTopicOf, relayIdOf } from '@regsync/contracts/topics';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { databaseUrl, instanceDatabaseName, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { ensureTopics } from '../src/ensure-topics';
import { kafkaClient } from '../src/kafka-client';
import { messagingMigrations } from '../src/messaging-schema';
import { Outbox } from '../src/outbox';
import { OutboxRelay } from '../src/outbox-relay';
import { RunningTestRegister, startTestRegister } from './support/running-test-register';
import { TestEnvironment, waitFor } from './support/test-environment';
import { personDraft, subjectId } from './support/test-events';
import { TEST_INSTANCE_KEY, testAuthorityDatabase } from './support/test-register.module';

// The sender: a municipal register's outbox and relay in a database of its own, which is restored from a dump.
const SENDER_APP = 'municipal-register';
const SUBJECT = subjectId(7_001);

/**
 * A producer's database restored from a dump taken before its last events: its subject counters and outbox ids roll
 * back. The recipient (the test register, reading the sender's outgoing topic as the router does, with gaps detected)
 * must apply the events the restored sender sends next: not as stale, not as a gap, exactly once, in order.
 */
describe('a producer restored from a dump', () => {
  let running: RunningTestRegister;
  let env: TestEnvironment;
  let codec: EventCodec;
  let outbox: Outbox;
  // The relay's own client: its transactions' routine retries (CONCURRENT_TRANSACTIONS) stay out of the output.
  let relayKafka: Kafka;
  let senderDatabaseName: string;
  let sender: { dataSource: DataSource; database: AuthorityDatabase; relay?: OutboxRelay } | undefined;
  const dumpDirectory = mkdtempSync(join(tmpdir(), 'regsync-producer-restore-'));

  beforeAll(async () => {
    running = await startTestRegister({
      beforeStart: (env) => ensureTopics(env.kafka, { app: SENDER_APP, instanceKey: TEST_INSTANCE_KEY, namespace: env.namespace }),
      consuming: (env) => ({ consumes: [outgoingTopicOf(SENDER_APP, TEST_INSTANCE_KEY, env.namespace)], detectGaps: true }),
    });
    ({ env, codec } = running);
    relayKafka = kafkaClient(env.connection, { clientId: `sender-relay-${env.namespace}`, logLevel: logLevel.NOTHING });
    senderDatabaseName = instanceDatabaseName('sender', TEST_INSTANCE_KEY, env.namespace);
    outbox = new Outbox(
      { app: SENDER_APP, level: 'MUNICIPAL', instanceKey: TEST_INSTANCE_KEY, namespace: env.namespace, kafka: env.connection, schemaRegistryUrl: env.schemaRegistryUrl, metrics: new RegsyncMetrics(), admit: () => ({ kind: 'ignore' }) },
      codec,
    );
  }, 120_000);

  afterAll(async () => {
    await stopSender();
    if (senderDatabaseName) await dropDatabase(env.databaseUrl, senderDatabaseName);
    await running?.close();
    rmSync(dumpDirectory, { recursive: true, force: true });
  }, 60_000);

  it('applies the events a restored producer sends next, after all it sent before, exactly once and in order', async () => {
    await ensureDatabase(env.databaseUrl, senderDatabaseName);
    await startSender();
    const sent: string[] = [];
    sent.push(...(await append(0, 3)));
    await waitFor('3 applied events', async () => (await applied()).length === 3, 60_000);

    // Two events are still in the outbox when the dump is taken; the relay publishes them after it.
    await sender!.relay!.stop();
    sent.push(...(await append(3, 2)));
    const dump = join(dumpDirectory, 'sender.dump');
    execFileSync('pg_dump', ['--format=custom', `--file=${dump}`, databaseUrl(env.databaseUrl, senderDatabaseName)]);
    sender!.relay = startRelay();
    sent.push(...(await append(5, 3)));
    await waitFor('8 applied events', async () => (await applied()).length === 8, 60_000);
    const [{ highest }] = (await sender!.dataSource.query('select max(id)::text as highest from regsync_outbox')) as { highest: string }[];

    // The database is lost and restored from the dump; the sender starts again on it and sends more.
    await stopSender();
    await dropDatabaseOnly(senderDatabaseName);
    execFileSync('pg_restore', ['--create', `--dbname=${databaseUrl(env.databaseUrl, 'postgres')}`, dump]);
    await startSender({ relay: false });
    // Until its relay has checked the restored database against Kafka, the outbox numbers no event in it.
    await expect(append(8, 1)).rejects.toMatchObject({ code: '57P03' });
    sender!.relay = startRelay();
    sent.push(...(await appendOnceChecked(8, 3)));
    await waitFor('11 applied events', async () => (await applied()).length === 11, 120_000);

    const events = await applied();
    expect(events.map((event) => event.event_id)).toEqual(sent);
    const versions = events.map((event) => Number(event.subject_version));
    expect(versions.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The restore was seen: epoch 1, whose first version follows every version of epoch 0 for the recipient.
    expect(versions.slice(8)).toEqual([2 ** 32 + 1, 2 ** 32 + 2, 2 ** 32 + 3]);
    const outcomes = (await running.dataSource.query('select outcome, count(*)::int as count from regsync_inbox group by outcome')) as { outcome: string; count: number }[];
    expect(outcomes).toEqual([{ outcome: 'applied', count: 11 }]);
    // The outbox ids continue past every id the relay's last progress marker may name.
    const [{ lowest }] = (await sender!.dataSource.query('select min(id)::text as lowest from regsync_outbox where subject_version > $1', [2 ** 32])) as { lowest: string }[];
    expect(BigInt(lowest)).toBeGreaterThan(BigInt(highest));
  }, 400_000);

  async function startSender({ relay = true } = {}): Promise<void> {
    const dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(env.databaseUrl, senderDatabaseName), migrations: messagingMigrations, migrationsRun: true }).initialize();
    const database = await testAuthorityDatabase(dataSource, senderDatabaseName);
    sender = { dataSource, database, relay: relay ? startRelay() : undefined };
  }

  function startRelay(): OutboxRelay {
    const relay = new OutboxRelay(relayKafka, {
      relayId: relayIdOf(SENDER_APP, TEST_INSTANCE_KEY, env.namespace),
      progressTopic: outboxProgressTopicOf(SENDER_APP, TEST_INSTANCE_KEY, env.namespace),
      database: { connectionString: databaseUrl(env.databaseUrl, senderDatabaseName) },
      metrics: new RegsyncMetrics(),
      // Small transactions, so the restored database is several of them behind.
      batchSize: 1,
    });
    relay.start();
    return relay;
  }

  async function stopSender(): Promise<void> {
    await sender?.relay?.stop();
    await sender?.dataSource.destroy();
    sender = undefined;
  }

  /** Appends `count` events about SUBJECT, one transaction each; returns their event ids. */
  function append(from: number, count: number): Promise<string[]> {
    return runAsAuthority(TEST_INSTANCE_KEY, async () => {
      const ids: string[] = [];
      for (let n = from; n < from + count; n++) {
        const event = await sender!.database.transaction((manager) => outbox.append(manager, personDraft(SUBJECT, n)));
        ids.push(event.envelope.eventId);
      }
      return ids;
    });
  }

  /** `append`, retried while the database is not checked yet (57P03), as the service's callers retry a 503. */
  async function appendOnceChecked(from: number, count: number): Promise<string[]> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        return await append(from, count);
      } catch (error) {
        if ((error as { code?: string }).code !== '57P03' || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async function applied(): Promise<{ event_id: string; subject_version: string }[]> {
    return running.dataSource.query('select event_id::text, subject_version::text from applied_events where subject_id = $1 order by seq', [SUBJECT]);
  }

  /** Drops the database, keeping its authorities' roles (they are the cluster's; the dump's grants name them). */
  async function dropDatabaseOnly(name: string): Promise<void> {
    execFileSync('psql', [databaseUrl(env.databaseUrl, 'postgres'), '-c', `drop database "${name}" with (force)`]);
  }
});

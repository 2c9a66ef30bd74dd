import { Client } from 'pg';
import { deliveryTopicOf } from '@regsync/contracts/topic-catalog';
import { registerDatabaseChecksum } from '@regsync/messaging/replay/register-database-checksum';
import { loadSnapshot, publishSnapshot, snapshotTopicOf } from '@regsync/messaging/replay/register-snapshot-topic';
import { bootReplayTarget } from '@regsync/messaging/replay/replay-target';
import { dropDatabase } from '@regsync/persistence/ensure-database';
import { executeReplay } from '../src/replay/replay-execution';
import { loadReplayConfig } from '../src/replay-config';
import { targetInstance } from '../src/target-apps';
import { FlowEvents } from './support/register-flow-events';
import { stateEnv } from './support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

describe('bootstrapping a register from a snapshot topic', () => {
  let env: ReplayTestEnvironment;

  beforeAll(async () => {
    env = await startReplayTestEnvironment('snapshot');
  });

  afterAll(async () => {
    await env?.close();
  });

  it('loads the latest state of an instance into a new database, which then ignores the events before the snapshot', async () => {
    const config = loadReplayConfig(stateEnv(env, '03'));
    const source = targetInstance(config, 'state-register', '03');
    const fresh = targetInstance(config, 'state-register', '05');
    env.dropAtEnd(source.databaseName);
    env.dropAtEnd(fresh.databaseName);
    const topic = snapshotTopicOf('state-register', '03', env.namespace);

    const sourceTarget = await bootReplayTarget(source.module());
    await env.produce(deliveryTopicOf('state-register', '03', env.namespace), FlowEvents.demoFlowsForNiedersachsen(40).events, 'LANDESMELDEREGISTER');
    await executeReplay(sourceTarget, { label: 'fill', namespace: env.namespace, groupPrefix: `${env.namespace}.regsync-replay`, range: {}, filter: {}, dryRun: false });
    await sourceTarget.close();
    const published = await publishSnapshot(env.kafka, { topic, databaseUrl: source.databaseUrl, consumerGroup: source.consumerGroup });
    expect(published.rows).toBeGreaterThanOrEqual(80);

    const db = new Client({ connectionString: source.databaseUrl });
    await db.connect();
    await db.query("delete from state_residents where idnr = (select min(idnr) from state_residents)");
    await db.end();
    expect((await publishSnapshot(env.kafka, { topic, databaseUrl: source.databaseUrl, consumerGroup: source.consumerGroup })).tombstones).toBe(1);

    const freshTarget = await bootReplayTarget(fresh.module());
    await freshTarget.close();
    const loaded = await loadSnapshot(env.kafka, { topic, databaseUrl: fresh.databaseUrl });
    expect(loaded.rows).toBe(published.rows - 1);
    expect((await registerDatabaseChecksum(fresh.databaseUrl)).tables).toEqual((await registerDatabaseChecksum(source.databaseUrl)).tables);
    await expect(loadSnapshot(env.kafka, { topic, databaseUrl: fresh.databaseUrl })).rejects.toThrow(/not empty/);

    // restoring the source instance itself: the versions came along, so the log before the snapshot applies nothing
    const before = await registerDatabaseChecksum(source.databaseUrl);
    await dropDatabase(env.databaseUrl, source.databaseName);
    await (await bootReplayTarget(source.module())).close();
    await loadSnapshot(env.kafka, { topic, databaseUrl: source.databaseUrl });
    expect((await registerDatabaseChecksum(source.databaseUrl)).sha256).toBe(before.sha256);
    const again = await bootReplayTarget(source.module());
    try {
      const summary = await executeReplay(again, { label: 'after snapshot', namespace: env.namespace, groupPrefix: `${env.namespace}.regsync-replay`, range: {}, filter: {}, dryRun: false });
      expect(summary.outcomes.applied + summary.outcomes.gap_applied).toBe(0);
      expect(summary.outcomes.stale).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
    expect((await registerDatabaseChecksum(source.databaseUrl)).sha256).toBe(before.sha256);
  }, 180_000);
});

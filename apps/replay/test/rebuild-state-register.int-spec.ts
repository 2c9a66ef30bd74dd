import { INestApplication } from '@nestjs/common';
import { deliveryTopicOf } from '@regsync/contracts/topics';
import { registerDatabaseChecksum } from '@regsync/event-replay/register-snapshots';
import { bootReplayTarget } from '@regsync/event-replay/replay';
import { rebuildInstance } from '../src/replay/rebuild.command';
import { executeReplay } from '../src/replay/replay-execution';
import { loadReplayConfig } from '../src/replay-config';
import { targetInstance } from '../src/target-apps';
import { FlowEvents } from './support/register-flow-events';
import { startStateRegister, stateEnv, waitForNoLag } from './support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

describe('rebuilding a state register from the log', () => {
  let env: ReplayTestEnvironment;
  let live: INestApplication | undefined;

  beforeAll(async () => {
    env = await startReplayTestEnvironment('rebuild');
  });

  afterAll(async () => {
    await live?.close();
    await env?.close();
  });

  it('wipes the Landesmelderegister Niedersachsen after the demo flows, rebuilds it, and gets the checksum of the original; a second replay changes nothing', async () => {
    const config = loadReplayConfig(stateEnv(env, '03'));
    const instance = targetInstance(config, 'state-register', '03');
    env.dropAtEnd(instance.databaseName);
    const personTopic = deliveryTopicOf('state-register', '03', env.namespace);

    live = await startStateRegister(env, '03');
    const flows = FlowEvents.demoFlowsForNiedersachsen(200);
    await env.produce(personTopic, flows.events, 'LANDESMELDEREGISTER');
    await waitForNoLag(env.kafka, instance.consumerGroup, [personTopic]);
    await live.close();
    live = undefined;
    const original = await registerDatabaseChecksum(instance.databaseUrl);
    expect(original.tables.find((table) => table.table === 'state_residents')?.rows).toBe(200);

    const rebuilt = await rebuildInstance(config, instance);

    expect(rebuilt.before?.sha256).toBe(original.sha256);
    expect(rebuilt.after.sha256).toBe(original.sha256);
    expect(rebuilt.after.tables).toEqual(original.tables);

    const target = await bootReplayTarget(instance.module());
    try {
      const again = await executeReplay(target, { label: 'again', namespace: env.namespace, groupPrefix: `${env.namespace}.regsync-replay`, range: {}, filter: {}, dryRun: false });
      expect(again.outcomes.applied + again.outcomes.gap_applied).toBe(0);
      expect(again.outcomes.duplicate).toBeGreaterThan(200);
      expect(again.outcomes.rejected).toBe(1);
    } finally {
      await target.close();
    }
    expect((await registerDatabaseChecksum(instance.databaseUrl)).sha256).toBe(original.sha256);
  }, 180_000);
});

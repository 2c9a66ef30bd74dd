import { deliveryTopicOf } from '@regsync/contracts/topics';
import { registerDatabaseChecksum } from '@regsync/event-replay/register-snapshots';
import { ReplayTarget, bootReplayTarget } from '@regsync/event-replay/replay';
import { executeReplay } from '../src/replay/replay-execution';
import { loadReplayConfig } from '../src/replay-config';
import { targetInstance } from '../src/target-apps';
import { FlowEvents } from './support/register-flow-events';
import { stateEnv } from './support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

// 10,000 events by default; REPLAY_RATE_EVENTS=100000 for the measurement in the report.
const EVENTS = Number(process.env.REPLAY_RATE_EVENTS ?? 10_000);

describe('replay rate', () => {
  let env: ReplayTestEnvironment;
  let target: ReplayTarget;

  beforeAll(async () => {
    env = await startReplayTestEnvironment('rate');
  });

  afterAll(async () => {
    await target?.close();
    await env?.close();
  });

  it(`replays ${EVENTS} events into a state register and reports the rate`, async () => {
    const instance = targetInstance(loadReplayConfig(stateEnv(env, '03')), 'state-register', '03');
    env.dropAtEnd(instance.databaseName);
    const flows = FlowEvents.demoFlowsForNiedersachsen(Math.round(EVENTS / 1.5));
    const events = flows.events.slice(0, EVENTS);
    // booting creates the topics, as the service does at start
    target = await bootReplayTarget(instance.module());
    await env.produce(deliveryTopicOf('state-register', '03', env.namespace), events, 'LANDESMELDEREGISTER');

    const summary = await executeReplay(target, { label: 'rate', namespace: env.namespace, groupPrefix: `${env.namespace}.regsync-replay`, range: {}, filter: {}, dryRun: false });

    const applied = summary.outcomes.applied + summary.outcomes.gap_applied;
    console.log(`replay rate: ${applied} events applied of ${summary.done} read in ${summary.seconds.toFixed(1)} s = ${Math.round(applied / summary.seconds)} events/s applied`);
    expect(summary.done).toBe(events.length);
    expect(applied).toBeGreaterThan(events.length * 0.9);
    expect((await registerDatabaseChecksum(instance.databaseUrl)).tables.find((t) => t.table === 'state_residents')?.rows).toBe(Math.round(EVENTS / 1.5));
  }, 600_000);
});

import { deliveryTopicOf } from '@regsync/contracts/topics';
import { ensureTopics } from '@regsync/messaging/broker';
import { replayProgram } from '../src/replay-program';
import { loadReplayConfig } from '../src/replay-config';
import { targetInstance } from '../src/target-apps';
import { FlowEvents } from './support/register-flow-events';
import { stateEnv } from './support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

describe('regsync-replay commands against the broker and the database', () => {
  let env: ReplayTestEnvironment;
  const saved = { ...process.env };

  beforeAll(async () => {
    env = await startReplayTestEnvironment('cli');
    Object.assign(process.env, stateEnv(env, '03'));
    env.dropAtEnd(targetInstance(loadReplayConfig(), 'state-register', '03').databaseName);
    await ensureTopics(env.kafka, { app: 'state-register', instanceKey: '03', namespace: env.namespace });
    await env.produce(deliveryTopicOf('state-register', '03', env.namespace), FlowEvents.demoFlowsForNiedersachsen(20).events, 'LANDESMELDEREGISTER');
  });

  afterAll(async () => {
    process.env = saved;
    await env?.close();
  });

  async function cli(...args: string[]): Promise<string> {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      await replayProgram().exitOverride().parseAsync(['node', 'regsync-replay', ...args]);
    } finally {
      spy.mockRestore();
    }
    return lines.join('\n');
  }

  it('replays a dry run, then for real, then finds nothing left to apply; the checksum follows', async () => {
    expect(await cli('replay', '--app', 'state-register', '--instance', '03', '--dry-run')).toMatch(/dry run: would apply 40 event\(s\)/);
    const empty = JSON.parse(await cli('checksum', '--app', 'state-register', '--instance', '03', '--json'));
    expect(empty.tables.find((t: { table: string }) => t.table === 'state_residents').rows).toBe(0);

    expect(await cli('replay', '--app', 'state-register', '--instance', '03', '--event-type', 'ResidenceRegistered')).toMatch(/applied 25 event\(s\)/);
    expect(await cli('replay', '--app', 'state-register', '--instance', '03')).toMatch(/applied 15 event\(s\).*duplicate \(already applied\) 25.*rejected 1/s);
    expect(await cli('replay', '--app', 'state-register', '--instance', '03')).toMatch(/applied 0 event\(s\)/);
    const full = JSON.parse(await cli('checksum', '--app', 'state-register', '--instance', '03', '--json'));
    expect(full.tables.find((t: { table: string }) => t.table === 'state_residents').rows).toBe(20);
  });

  it('shows the lag of a group and a reset plan without executing it', async () => {
    expect(await cli('offsets', 'lag', '--app', 'state-register', '--instance', '03')).toMatch(/state-register\.03: Dead, 0 member\(s\)/);
    const plan = await cli('offsets', 'reset', '--app', 'state-register', '--instance', '03', '--topic', 'regsync.deliveries.state-register.03', '--to-earliest');
    expect(plan).toMatch(/dry run \(add --execute to commit\)/);
    expect(await cli('offsets', 'lag', '--app', 'state-register', '--instance', '03', '--json')).toMatch(/"totalLag": 0/);
  });

  it('lists no dead letters of a group that has none', async () => {
    expect(await cli('dead-letters', 'list', '--app', 'state-register', '--instance', '03')).toBe('no dead letters');
  });
});

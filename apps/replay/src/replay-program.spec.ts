import { Command, CommanderError } from 'commander';
import { replayProgram } from './replay-program';

function run(args: string[]): Promise<{ output: string; exitCode: number }> {
  let output = '';
  const program = replayProgram();
  const capture = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: (text) => (output += text), writeErr: (text) => (output += text) });
    command.commands.forEach(capture);
  };
  capture(program);
  return program
    .parseAsync(['node', 'regsync-replay', ...args])
    .then(() => ({ output, exitCode: 0 }))
    .catch((error: unknown) => {
      if (error instanceof CommanderError) return { output, exitCode: error.exitCode };
      throw error;
    });
}

describe('regsync-replay command line', () => {
  it('lists every command with what it does', async () => {
    const { output, exitCode } = await run(['--help']);
    expect(exitCode).toBe(0);
    for (const command of ['replay', 'rebuild', 'checksum', 'offsets', 'dead-letters', 'snapshot', 'bootstrap']) expect(output).toMatch(new RegExp(`\\n  ${command} `));
    expect(output).toMatch(/KAFKA_BROKERS/);
  });

  it('documents the range, filter, dry-run and rate options of replay', async () => {
    const { output } = await run(['replay', '--help']);
    for (const option of ['--from <datetime>', '--to <datetime>', '--from-offset', '--topic', '--event-type', '--subject', '--dry-run', '--max-rate']) expect(output).toContain(option);
  });

  it('refuses an unknown app before touching anything', async () => {
    const { output, exitCode } = await run(['replay', '--app', 'county-register', '--instance', '1']);
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/county-register.*(invalid|choices)|Allowed choices/s);
  });

  it('rejects a --from that is not a date-time', async () => {
    const { output, exitCode } = await run(['replay', '--app', 'state-register', '--instance', '14', '--from', 'yesterday']);
    expect(exitCode).not.toBe(0);
    expect(output).toMatch(/ISO 8601/);
  });

  it('does not wipe without --yes-wipe', async () => {
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      await run(['rebuild', '--app', 'state-register', '--instance', '14']);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toMatch(/would DROP database regsync_state_14 .*add --yes-wipe/);
    expect(process.exitCode).toBe(2);
    process.exitCode = 0;
  });
});

import 'reflect-metadata';
import { CommanderError } from 'commander';
import { ConfigError } from '@regsync/service-runtime/service-config';
import { replayProgram } from './replay-program';

replayProgram()
  .exitOverride()
  .parseAsync(process.argv)
  .then(() => exit(Number(process.exitCode ?? 0)))
  .catch((error: unknown) => {
    if (error instanceof CommanderError) return exit(error.exitCode);
    console.error(`regsync-replay: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
    exit(1);
  });

/** Exits once stdout is flushed (a piped `list --json` must arrive whole), even if a client left a timer behind. */
function exit(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

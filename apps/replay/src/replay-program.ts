import { Command } from 'commander';
import { bootstrapCommand } from './bootstrap/bootstrap.command';
import { deadLettersCommand } from './dead-letters/dead-letters.command';
import { offsetsCommand } from './offsets/offsets.command';
import { checksumCommand } from './replay/checksum.command';
import { rebuildCommand } from './replay/rebuild.command';
import { replayCommand } from './replay/replay.command';
import { snapshotCommand } from './snapshot/snapshot.command';

/** The `regsync-replay` command line: every subcommand with its own --help. */
export function replayProgram(): Command {
  return new Command('regsync-replay')
    .description(
      'Operator tool for regsync\'s event log: replay events into a register instance, rebuild one from scratch, ' +
        'compare register checksums, inspect and move consumer-group offsets, inspect and re-drive dead letters, ' +
        "and start a new register database from its state topic (or from an instance's snapshot topic).",
    )
    .addHelpText(
      'after',
      `
Configuration comes from the same environment variables as the services:
  KAFKA_BROKERS (default 127.0.0.1:9092) with KAFKA_USERNAME and KAFKA_PASSWORD (SASL/SCRAM-SHA-512; the principal
  replay may only read: re-drives, offset resets and snapshots need an operator's credentials),
  DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
  SCHEMA_REGISTRY_URL (default http://127.0.0.1:8081), NAMESPACE (default none; test runs use one).
Commands that change something are explicit: rebuild needs --yes-wipe, offsets reset and dead-letters
redrive print a plan unless --execute is given, replay has --dry-run.

Run "regsync-replay <command> --help" for a command's options and examples.`,
    )
    .showHelpAfterError('(add --help for usage)')
    .addCommand(replayCommand())
    .addCommand(rebuildCommand())
    .addCommand(checksumCommand())
    .addCommand(offsetsCommand())
    .addCommand(deadLettersCommand())
    .addCommand(snapshotCommand())
    .addCommand(bootstrapCommand());
}

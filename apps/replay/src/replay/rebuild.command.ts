import { Command, Option } from 'commander';
import { Client } from 'pg';
import { dropDatabase, databaseUrl } from '@regsync/persistence/databases';
import { DatabaseChecksum, registerDatabaseChecksum } from '@regsync/event-replay/register-snapshots';
import { bootReplayTarget } from '@regsync/event-replay/replay';
import { kafkaOf, parseCount, readerGroupPrefix } from '../cli-options';
import { ReplayConfig, loadReplayConfig } from '../replay-config';
import { TARGET_APP_NAMES, TargetInstance, targetInstance } from '../target-apps';
import { formatChecksum } from './checksum.command';
import { executeReplay, formatSummary } from './replay-execution';

export interface RebuildResult {
  before: DatabaseChecksum | null;
  after: DatabaseChecksum;
  appliedEvents: number;
  /** Events skipped because their subject was erased since (its key is gone). */
  erasedEvents: number;
  seconds: number;
}

export function rebuildCommand(): Command {
  return new Command('rebuild')
    .summary('wipe a register instance and rebuild it from the whole log')
    .description(
      "Drops the instance's database, recreates it (the app's migrations run), replays every event topic the app " +
        'handles from the beginning, and prints the checksum of the rebuilt register next to the one before the wipe.',
    )
    .addOption(new Option('--app <app>', 'register app of the instance').choices(TARGET_APP_NAMES).makeOptionMandatory())
    .option('--instance <key>', 'instance key (AGS, Land code; federal-register: DE)')
    .option('--yes-wipe', 'confirm that the database of this instance is dropped')
    .option('--max-rate <events/s>', 'read at most this many records per second', parseCount)
    .addHelpText(
      'after',
      `
Stop the service instance first: the rebuild refuses to start while its consumer group has members.
What the instance is authoritative for and never receives as an event (e.g. a cadastre that consumes
nothing) cannot come back from the log; the per-table checksums show which tables differ.
Interrupted? Run the same rebuild again: it starts over from an empty database.`,
    )
    .action(async (options: { app: string; instance?: string; yesWipe?: boolean; maxRate?: number }) => {
      const config = loadReplayConfig();
      const instance = targetInstance(config, options.app, options.instance);
      if (!options.yesWipe) {
        console.error(`rebuild would DROP database ${instance.databaseName} of ${instance.app} ${instance.instanceKey} and replay the whole log; add --yes-wipe to do it`);
        process.exitCode = 2;
        return;
      }
      const result = await rebuildInstance(config, instance, { maxRate: options.maxRate, log: (line) => console.log(line) });
      console.log(`before the wipe: ${result.before ? result.before.sha256 : '(no database)'}`);
      console.log(`after rebuild:   ${result.after.sha256}  ${result.before?.sha256 === result.after.sha256 ? '(equal)' : result.before ? '(DIFFERENT)' : ''}`);
      for (const table of result.after.tables) {
        const old = result.before?.tables.find((candidate) => candidate.table === table.table);
        if (old && old.sha256 !== table.sha256) console.log(`  ${table.table} differs: ${old.rows} row(s) before, ${table.rows} after`);
      }
    });
}

// The instance is stopped and its database new: no transaction waits on a chunk's locks, so a chunk is a whole fetch;
// two such chunks at once keep the replay and PostgreSQL busy, more only contend (measured: ~20 % more CPU per event at 6).
const REBUILD_CHUNK_SIZE = 5000;
const REBUILD_PARTITIONS_CONCURRENTLY = 2;

/** Wipe, migrate, replay everything, checksum: the whole rebuild, also called by the tests. */
export async function rebuildInstance(config: ReplayConfig, instance: TargetInstance, options: { maxRate?: number; log?: (line: string) => void } = {}): Promise<RebuildResult> {
  const log = options.log ?? (() => undefined);
  await refuseWhileConsuming(config, instance);
  const before = (await databaseExists(config, instance.databaseName)) ? await registerDatabaseChecksum(instance.databaseUrl) : null;
  if (before) log(formatChecksum(before).replace(/^checksum/, 'before the wipe: checksum'));
  await dropDatabase(config.DATABASE_URL, instance.databaseName);
  const target = await bootReplayTarget(instance.module());
  try {
    const summary = await executeReplay(target, {
      label: `rebuild ${instance.app} ${instance.instanceKey}`,
      namespace: config.NAMESPACE,
      groupPrefix: readerGroupPrefix(config),
      range: {},
      filter: {},
      dryRun: false,
      maxRate: options.maxRate,
      chunkSize: REBUILD_CHUNK_SIZE,
      partitionsConcurrently: REBUILD_PARTITIONS_CONCURRENTLY,
    });
    log(formatSummary(summary, false));
    if (summary.stopped) throw new Error('rebuild interrupted: run it again (it starts over from an empty database)');
    const after = await registerDatabaseChecksum(instance.databaseUrl);
    log(formatChecksum(after));
    return { before, after, appliedEvents: summary.outcomes.applied + summary.outcomes.gap_applied, erasedEvents: summary.outcomes.erased, seconds: summary.seconds };
  } finally {
    await target.close();
  }
}

async function refuseWhileConsuming(config: ReplayConfig, instance: TargetInstance): Promise<void> {
  const admin = kafkaOf(config).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([instance.consumerGroup]);
    const members = groups[0]?.members.length ?? 0;
    if (members > 0) throw new Error(`${instance.app} ${instance.instanceKey} is running (consumer group ${instance.consumerGroup} has ${members} member(s)); stop it before a rebuild`);
  } finally {
    await admin.disconnect();
  }
}

async function databaseExists(config: ReplayConfig, name: string): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl(config.DATABASE_URL, 'postgres') });
  await client.connect();
  try {
    return ((await client.query('select 1 from pg_database where datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

import { Command, Option } from 'commander';
import { bootReplayTarget } from '@regsync/event-replay/replay';
import { collect, parseCount, parseDateTime, parseOffset, readerGroupPrefix, resolveTopic } from '../cli-options';
import { loadReplayConfig } from '../replay-config';
import { TARGET_APP_NAMES, targetInstance } from '../target-apps';
import { executeReplay, formatSummary } from './replay-execution';

interface ReplayOptions {
  app: string;
  instance?: string;
  from?: Date;
  to?: Date;
  fromOffset?: bigint;
  toOffset?: bigint;
  topic?: string[];
  partition?: string[];
  eventType?: string[];
  subject?: string[];
  dryRun?: boolean;
  maxRate?: number;
  chunkSize: number;
}

export function replayCommand(): Command {
  return new Command('replay')
    .summary('apply events from the log to one register instance')
    .description(
      'Reads a range of the event log and applies it to one register instance through the same path as its live ' +
        'consumer: admit (addressed register, text and plausibility, routing catalog), inbox (an event already applied is skipped), subject ' +
        'version check, then the app\'s own event handler. The live consumer group and its offsets are not touched.',
    )
    .addOption(new Option('--app <app>', 'register app of the target instance').choices(TARGET_APP_NAMES).makeOptionMandatory())
    .option('--instance <key>', 'instance key: AGS (municipal-register), Land code (state-register); federal-register: DE')
    .option('--from <datetime>', 'start at the first record written at or after this time (ISO 8601)', parseDateTime)
    .option('--to <datetime>', 'stop before the first record written at or after this time', parseDateTime)
    .option('--from-offset <offset>', 'start at this offset (in every selected partition)', parseOffset)
    .option('--to-offset <offset>', 'stop after this offset, inclusive', parseOffset)
    .option('--topic <topic>', 'a topic name (namespaced by NAMESPACE); repeatable (default: the instance\'s delivery topic, which rebuilds its register, and its outgoing topic, which restores its version counters)', collect)
    .option('--partition <n>', 'only these partitions; repeatable', collect)
    .option('--event-type <type>', 'only these event types, e.g. ResidenceRegistered; repeatable', collect)
    .option('--subject <id>', 'only these subjects (IdNr, birth registration id, Flurstückskennzeichen); repeatable', collect)
    .option('--dry-run', 'apply in a transaction that is rolled back: report what would be applied, change nothing')
    .option('--max-rate <events/s>', 'read at most this many records per second', parseCount)
    .option('--chunk-size <n>', 'records per database transaction', parseCount, 250)
    .addHelpText(
      'after',
      `
The range ends where the log ended when the command started. Safe to interrupt (Ctrl-C lets the current
chunk commit) and to run again: events already applied are skipped as duplicates, older versions as stale.
Events a handler emits during a replay are recorded as already published, because the log already holds
the ones emitted the first time. Rejected events are reported, not dead-lettered again.
The service instance may keep running during a replay; stop it for a rebuild.

Environment (the same as the service's): KAFKA_BROKERS, KAFKA_USERNAME, KAFKA_PASSWORD, DATABASE_URL,
SCHEMA_REGISTRY_URL, NAMESPACE.

Examples:
  regsync-replay replay --app state-register --instance 14 --from 2026-11-01T00:00:00Z --dry-run
  regsync-replay replay --app municipal-register --instance 03404000 --subject 36574261809 --max-rate 200
  regsync-replay replay --app federal-register --topic person --partition 3 --from-offset 1200 --to-offset 1300`,
    )
    .action(async (options: ReplayOptions) => {
      const config = loadReplayConfig();
      const instance = targetInstance(config, options.app, options.instance);
      const target = await bootReplayTarget(instance.module());
      try {
        const summary = await executeReplay(target, {
          label: `replay ${instance.app} ${instance.instanceKey}`,
          namespace: config.NAMESPACE,
          groupPrefix: readerGroupPrefix(config),
          topics: options.topic?.map((topic) => resolveTopic(topic, config.NAMESPACE)),
          range: { from: options.from, to: options.to, fromOffset: options.fromOffset, toOffset: options.toOffset, partitions: options.partition?.map(Number) },
          filter: { eventTypes: options.eventType, subjects: options.subject },
          dryRun: options.dryRun === true,
          maxRate: options.maxRate,
          chunkSize: options.chunkSize,
        });
        console.log(formatSummary(summary, options.dryRun === true));
        if (summary.stopped) process.exitCode = 130;
      } finally {
        await target.close();
      }
    });
}

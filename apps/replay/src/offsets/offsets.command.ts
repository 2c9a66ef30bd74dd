import { Command } from 'commander';
import { OffsetTarget, executeOffsetReset, groupLag, planOffsetReset } from '@regsync/event-replay/consumer-group-offsets';
import { GroupSelection, collect, consumerGroupFrom, kafkaOf, parseDateTime, parseOffset, resolveTopic, withGroupSelection } from '../cli-options';
import { loadReplayConfig } from '../replay-config';

interface GroupOptions extends GroupSelection {
  topic?: string[];
}

const groupOptions = (command: Command) =>
  withGroupSelection(command, 'consumer group').option(
    '--topic <topic>',
    'a topic name, e.g. regsync.deliveries.state-register.03 (namespaced by NAMESPACE); repeatable (default: every topic the group has offsets on)',
    collect,
  );

export function offsetsCommand(): Command {
  const offsets = new Command('offsets').summary('consumer-group offsets: lag, reset').description('Inspect and move the committed offsets of a consumer group.');

  const lag = groupOptions(new Command('lag'))
    .summary("show a group's committed offsets and lag per partition")
    .action(async (options: GroupOptions) => {
      const config = loadReplayConfig();
      const admin = kafkaOf(config).admin();
      await admin.connect();
      try {
        const report = await groupLag(admin, consumerGroupFrom(config, options), options.topic?.map((topic) => resolveTopic(topic, config.NAMESPACE)));
        if (options.json) return console.log(JSON.stringify(report, null, 2));
        console.log(`group ${report.group}: ${report.state}, ${report.members} member(s), total lag ${report.totalLag}`);
        console.log('  topic                                          partition  committed        end      lag');
        for (const p of report.partitions) console.log(`  ${p.topic.padEnd(46)} ${String(p.partition).padStart(9)} ${String(p.committed ?? '-').padStart(10)} ${p.high.padStart(10)} ${String(p.lag).padStart(8)}`);
      } finally {
        await admin.disconnect();
      }
    });

  const reset = groupOptions(new Command('reset'))
    .summary("move a group's offsets (dry run unless --execute)")
    .option('--to-datetime <datetime>', 'to the first record written at or after this time (ISO 8601)', parseDateTime)
    .option('--to-offset <offset>', 'to this offset in every partition (clamped to what the log retains)', parseOffset)
    .option('--to-earliest', 'to the start of the retained log: the group reads everything again')
    .option('--to-latest', 'to the end of the log: the group skips everything written so far')
    .option('--execute', 'commit the new offsets (without it the plan is only printed)')
    .addHelpText(
      'after',
      `
Like kafka-consumer-groups --reset-offsets: prints the plan, changes nothing unless --execute is given.
Kafka allows it only while the group has no members, so stop the service instance first.
Re-reading events is harmless for regsync consumers (the inbox skips what was applied);
skipping events (--to-latest, a later time) loses them for this instance until a replay brings them.`,
    )
    .action(async (options: GroupOptions & { toDatetime?: Date; toOffset?: bigint; toEarliest?: boolean; toLatest?: boolean; execute?: boolean }) => {
      const targets: OffsetTarget[] = [
        ...(options.toDatetime ? [{ kind: 'datetime' as const, at: options.toDatetime }] : []),
        ...(options.toOffset !== undefined ? [{ kind: 'offset' as const, offset: options.toOffset }] : []),
        ...(options.toEarliest ? [{ kind: 'earliest' as const }] : []),
        ...(options.toLatest ? [{ kind: 'latest' as const }] : []),
      ];
      if (targets.length !== 1) throw new Error('give exactly one of --to-datetime, --to-offset, --to-earliest, --to-latest');
      const config = loadReplayConfig();
      const group = consumerGroupFrom(config, options);
      const admin = kafkaOf(config).admin();
      await admin.connect();
      try {
        const plan = await planOffsetReset(admin, group, targets[0], options.topic?.map((topic) => resolveTopic(topic, config.NAMESPACE)));
        if (options.execute) await executeOffsetReset(admin, group, plan);
        if (options.json) return console.log(JSON.stringify({ group, executed: options.execute === true, plan }, null, 2));
        console.log(`${options.execute ? 'reset' : 'dry run (add --execute to commit)'}: group ${group}`);
        console.log('  topic                                          partition    current  → new');
        for (const step of plan) console.log(`  ${step.topic.padEnd(46)} ${String(step.partition).padStart(9)} ${String(step.current ?? '-').padStart(10)}  → ${step.target}`);
        if (plan.length === 0) console.log('  (the group has no committed offsets; give --topic to set them)');
      } finally {
        await admin.disconnect();
      }
    });
  return offsets.addCommand(lag).addCommand(reset);
}

import { deliveryTopicReader, outgoingTopicOf, outgoingTopicOwner, subjectKeyTopicOf } from '@regsync/contracts/topics';
import { consumedTopics, hostedAuthorities } from '@regsync/messaging/register-messaging';
import { RecordFilter, LogRangeSelection, resolveLogRange, ReplayApplier, ReplaySummary, runReplay, ReplayTarget } from '@regsync/event-replay/replay';
import { retryRouteOf } from '@regsync/messaging/broker';
import { SubjectKeyRing, keyRingGroupPrefixOf } from '@regsync/messaging/crypto-shredding';
import { ProgressReporter } from '../progress-reporter';

export interface ReplayExecution {
  label: string;
  namespace: string;
  groupPrefix: string;
  /** Topics given with --topic; by default the target's delivery and retry topics and its own outgoing topic. */
  topics?: string[];
  range: Omit<LogRangeSelection, 'topics'>;
  filter: RecordFilter;
  dryRun: boolean;
  maxRate?: number;
  chunkSize?: number;
  partitionsConcurrently?: number;
}

/**
 * Runs one replay into a booted target: fixes the range, applies it with progress, stops cleanly on Ctrl-C
 * (SIGINT/SIGTERM: the chunk in progress commits, nothing half-applied stays), a second Ctrl-C exits at once.
 */
export async function executeReplay(target: ReplayTarget, execution: ReplayExecution): Promise<ReplaySummary> {
  const hosted = hostedAuthorities(target.messaging);
  if (hosted.length !== 1 || hosted[0] !== target.messaging.instanceKey) {
    // Its delivery topic carries every hosted authority's records, and its outgoing topic their versions: not built yet.
    throw new Error(`replay: ${execution.label} hosts ${hosted.join(', ')}; a replay rebuilds a process of one authority, not yet a provider hosting several`);
  }
  // What was delivered (or re-driven) to the instance rebuilds it; its own events restore its subject version counters.
  const outgoingTopic = outgoingTopicOf(target.messaging.app, target.messaging.instanceKey, target.messaging.namespace);
  const topics = execution.topics ?? [...consumedTopics(target.messaging), outgoingTopic];
  const admin = target.kafka.admin();
  await admin.connect();
  const ranges = await resolveLogRange(admin, { topics, ...execution.range }).finally(() => admin.disconnect());

  // The keys as the topics' readers hold them now: an event of a subject erased since is skipped and counted.
  const namespace = target.messaging.namespace;
  const keyRing = new SubjectKeyRing(target.kafka, topics.filter((topic) => deliveryTopicReader(topic, namespace) || outgoingTopicOwner(topic, namespace)).map(subjectKeyTopicOf), keyRingGroupPrefixOf(execution.groupPrefix));
  await keyRing.start();
  const applier = new ReplayApplier({
    database: target.database,
    codec: target.codec,
    subjectKeys: keyRing.source,
    handlers: target.handlers,
    admit: target.messaging.admit,
    level: target.messaging.level,
    instanceKey: target.messaging.instanceKey,
    outgoingTopic,
    retry: retryRouteOf(target.messaging),
    filter: execution.filter,
    dryRun: execution.dryRun,
  });
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(130);
    process.stderr.write('\nstopping after the chunk in progress (Ctrl-C again to quit at once; the chunk then rolls back)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reporter = new ProgressReporter(execution.label);
  reporter.start(ranges.reduce((sum, range) => sum + Number(BigInt(range.end) - BigInt(range.start)), 0));
  try {
    return await runReplay(target.kafka, ranges, applier, {
      groupPrefix: execution.groupPrefix,
      maxRate: execution.maxRate,
      chunkSize: execution.chunkSize,
      partitionsConcurrently: execution.partitionsConcurrently,
      stopSignal: stop.signal,
      onProgress: (progress) => reporter.update(progress),
    });
  } finally {
    await keyRing.stop();
    reporter.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function formatSummary(summary: ReplaySummary, dryRun: boolean): string {
  const { applied, gap_applied, duplicate, stale, irrelevant, rejected, filtered, erased } = summary.outcomes;
  const appliedTotal = applied + gap_applied;
  const lines = [
    `${dryRun ? 'dry run: would apply' : 'applied'} ${appliedTotal} event(s) of ${summary.done} record(s) read in ${summary.seconds.toFixed(1)} s` +
      ` (${Math.round(appliedTotal / Math.max(summary.seconds, 0.001))} events/s applied, ${Math.round(summary.done / Math.max(summary.seconds, 0.001))} records/s read)`,
    `  applied ${applied}, applied after a version gap ${gap_applied}, duplicate (already applied) ${duplicate}, stale version ${stale},` +
      ` not for this instance ${irrelevant}, not selected ${filtered}, rejected ${rejected}, skipped (subject erased) ${erased}`,
  ];
  if (summary.rejections.length > 0) {
    lines.push(`  rejected (not applied; the live consumer dead-letters these too):`);
    for (const r of summary.rejections) lines.push(`    ${r.ref} ${r.eventType} ${r.code}: ${r.reason}`);
    if (rejected > summary.rejections.length) lines.push(`    … and ${rejected - summary.rejections.length} more`);
  }
  if (summary.stopped) lines.push('interrupted before the end of the range: run the same command again to finish (what was applied is skipped as duplicate)');
  return lines.join('\n');
}

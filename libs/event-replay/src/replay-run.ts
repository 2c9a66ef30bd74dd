import { Kafka } from 'kafkajs';
import { readBoundedLog } from './bounded-log-reader';
import { PartitionRange, recordsIn } from './log-range';
import { RateLimiter } from './rate-limiter';
import { ChunkReport, ReplayApplier, ReplayOutcome, ReplayRejection } from './replay-applier';

export interface ReplayProgress {
  /** Offsets passed so far and in total (transaction markers count, so `done` reaches `total` exactly). */
  done: number;
  total: number;
  outcomes: Record<ReplayOutcome, number>;
}

export interface ReplaySummary extends ReplayProgress {
  /** The first rejections (at most 100), with where they are on the log. */
  rejections: ReplayRejection[];
  seconds: number;
  /** Interrupted before the end of the range: run the same command again to finish. */
  stopped: boolean;
}

export interface ReplayRunOptions {
  groupPrefix: string;
  maxRate?: number;
  chunkSize?: number;
  /** Chunks applied at once (each of another partition); readBoundedLog's default when absent. */
  partitionsConcurrently?: number;
  stopSignal?: AbortSignal;
  onProgress?: (progress: ReplayProgress) => void;
}

const MAX_LISTED_REJECTIONS = 100;

/** Reads the ranges and applies every chunk through `applier`; safe to stop and to run again (the inbox dedups). */
export async function runReplay(kafka: Kafka, ranges: readonly PartitionRange[], applier: ReplayApplier, options: ReplayRunOptions): Promise<ReplaySummary> {
  const started = Date.now();
  const limiter = new RateLimiter(options.maxRate);
  const positions = new Map(ranges.map((range) => [`${range.topic}:${range.partition}`, BigInt(range.start)]));
  const progress: ReplayProgress = { done: 0, total: recordsIn(ranges), outcomes: { applied: 0, gap_applied: 0, duplicate: 0, stale: 0, irrelevant: 0, rejected: 0, filtered: 0, erased: 0 } };
  const rejections: ReplayRejection[] = [];
  const add = (report: ChunkReport) => {
    for (const [outcome, count] of Object.entries(report.outcomes)) progress.outcomes[outcome as ReplayOutcome] += count;
    rejections.push(...report.rejections.slice(0, MAX_LISTED_REJECTIONS - rejections.length));
  };

  const { stopped } = await readBoundedLog(kafka, ranges, {
    groupPrefix: options.groupPrefix,
    chunkSize: options.chunkSize,
    partitionsConcurrently: options.partitionsConcurrently,
    stopSignal: options.stopSignal,
    onChunk: async ({ topic, partition, messages }) => {
      await limiter.take(messages.length);
      add(await applier.applyChunk(topic, partition, messages));
    },
    onPosition: (topic, partition, position) => {
      const key = `${topic}:${partition}`;
      const previous = positions.get(key) ?? BigInt(position);
      if (BigInt(position) <= previous) return;
      progress.done += Number(BigInt(position) - previous);
      positions.set(key, BigInt(position));
      options.onProgress?.(progress);
    },
  });
  return { ...progress, rejections, seconds: (Date.now() - started) / 1000, stopped };
}

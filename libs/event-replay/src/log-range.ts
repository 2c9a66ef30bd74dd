import { Admin } from 'kafkajs';

/** The records [start, end) of one partition that a replay reads; offsets as decimal strings, like kafkajs. */
export interface PartitionRange {
  topic: string;
  partition: number;
  start: string;
  end: string;
}

export interface LogRangeSelection {
  topics: string[];
  /** Only these partitions (all when absent). */
  partitions?: number[];
  /** First record with a timestamp at or after `from`. */
  from?: Date;
  /** Stop before the first record with a timestamp at or after `to`. */
  to?: Date;
  /** First offset read (in every selected partition). */
  fromOffset?: bigint;
  /** Last offset read, inclusive (in every selected partition). */
  toOffset?: bigint;
}

const max = (...values: bigint[]) => values.reduce((a, b) => (a > b ? a : b));
const min = (...values: bigint[]) => values.reduce((a, b) => (a < b ? a : b));

/**
 * Fixes the range of every selected partition once, at start: records produced while a replay runs are not part of
 * it, so a replay always ends, and running it again reads the same records.
 */
export async function resolveLogRange(admin: Admin, selection: LogRangeSelection): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of selection.topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    const fromTime = selection.from ? await offsetsAt(admin, topic, selection.from) : undefined;
    const toTime = selection.to ? await offsetsAt(admin, topic, selection.to) : undefined;
    for (const { partition, low, high } of offsets.sort((a, b) => a.partition - b.partition)) {
      if (selection.partitions && !selection.partitions.includes(partition)) continue;
      const start = max(BigInt(low), selection.fromOffset ?? 0n, fromTime?.get(partition) ?? 0n);
      const end = min(BigInt(high), selection.toOffset !== undefined ? selection.toOffset + 1n : BigInt(high), toTime?.get(partition) ?? BigInt(high));
      ranges.push({ topic, partition, start: String(start), end: String(end > start ? end : start) });
    }
  }
  return ranges;
}

export function recordsIn(ranges: readonly PartitionRange[]): number {
  return ranges.reduce((sum, range) => sum + Number(BigInt(range.end) - BigInt(range.start)), 0);
}

async function offsetsAt(admin: Admin, topic: string, at: Date): Promise<Map<number, bigint>> {
  const offsets = await admin.fetchTopicOffsetsByTimestamp(topic, at.getTime());
  return new Map(offsets.map(({ partition, offset }) => [partition, BigInt(offset)]));
}

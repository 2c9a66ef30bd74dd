export interface RepairCounts {
  total: number;
  /** Subjects answered so far: restated, not held by the instance asked, or failed. */
  done: number;
  restated: number;
  notHeldHere: number;
  failed: number;
}

export interface RepairProgress extends RepairCounts {
  /** done / total, 0…1 (1 for an empty repair). */
  fraction: number;
  /** Subjects answered per second since the start (until the end once finished). */
  subjectsPerSecond: number;
}

export function repairProgress(counts: RepairCounts, startedAt: number, finishedAt: number | undefined, now: number): RepairProgress {
  const seconds = Math.max((finishedAt ?? now) - startedAt, 1) / 1000;
  return { ...counts, fraction: counts.total === 0 ? 1 : counts.done / counts.total, subjectsPerSecond: counts.done / seconds };
}

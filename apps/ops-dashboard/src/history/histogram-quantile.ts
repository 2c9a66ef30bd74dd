/** One cumulative bucket of a Prometheus histogram: how many observations were ≤ `le`. */
export interface HistogramBucket {
  le: number;
  count: number;
}

/**
 * The φ-quantile of a histogram as Prometheus' `histogram_quantile` computes it: the bucket the rank falls in, linearly
 * interpolated between its bounds (the lowest bucket from 0); a rank in the +Inf bucket answers the highest finite
 * bound. Null without observations.
 */
export function histogramQuantile(quantile: number, buckets: readonly HistogramBucket[]): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0 || sorted.at(-1)?.le !== Infinity) return null;
  const rank = quantile * total;
  const index = sorted.findIndex((bucket) => bucket.count >= rank);
  if (index === sorted.length - 1) return sorted.length > 1 ? sorted[sorted.length - 2].le : null;
  const lower = index === 0 ? { le: 0, count: 0 } : sorted[index - 1];
  const upper = sorted[index];
  if (upper.count === lower.count) return upper.le;
  return lower.le + ((upper.le - lower.le) * (rank - lower.count)) / (upper.count - lower.count);
}

/** Each bucket's increase from `before` to `after` (the counts of one interval); a reset (a restart) counts from 0. */
export function bucketIncrease(before: readonly HistogramBucket[], after: readonly HistogramBucket[]): HistogramBucket[] {
  const previous = new Map(before.map((bucket) => [bucket.le, bucket.count]));
  const reset = after.some((bucket) => bucket.count < (previous.get(bucket.le) ?? 0));
  return after.map((bucket) => ({ le: bucket.le, count: reset ? bucket.count : bucket.count - (previous.get(bucket.le) ?? 0) }));
}

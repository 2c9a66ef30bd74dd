/** p50, p95, p99 and max of latencies in ms (nearest rank), or undefined for none. */
export function latencySummary(latenciesMs: ArrayLike<number>): { p50: number; p95: number; p99: number; max: number } | undefined {
  if (latenciesMs.length === 0) return undefined;
  const sorted = Array.from(latenciesMs).sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** The median of repeated runs and their range, as a report cell: `121 (114–130)`. */
export function medianAndRange(values: readonly number[], digits = 0): string {
  if (values.length === 0) return '–';
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  const fixed = (value: number) => value.toFixed(digits);
  return sorted.length === 1 ? fixed(median) : `${fixed(median)} (${fixed(sorted[0])}–${fixed(sorted[sorted.length - 1])})`;
}

import { latencySummary, medianAndRange } from './latency-summary';

describe('latencySummary', () => {
  it('orders latencies as numbers, not as text, from an array or a typed array', () => {
    expect(latencySummary([100, 20, 3, 9])).toEqual({ p50: 9, p95: 100, p99: 100, max: 100 });
    expect(latencySummary(Float64Array.from([100, 20, 3, 9]))).toEqual({ p50: 9, p95: 100, p99: 100, max: 100 });
  });

  it('takes the nearest rank', () => {
    const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(latencySummary(hundred)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(latencySummary([])).toBeUndefined();
  });
});

describe('medianAndRange', () => {
  it('reports the median with the range of the runs', () => {
    expect(medianAndRange([130, 114, 121])).toBe('121 (114–130)');
    expect(medianAndRange([1, 2, 3, 4], 1)).toBe('2.5 (1.0–4.0)');
    expect(medianAndRange([7])).toBe('7');
  });
});

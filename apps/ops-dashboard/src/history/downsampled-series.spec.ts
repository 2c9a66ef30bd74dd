import fc from 'fast-check';
import { DownsampledSeries, Resolution, resolutionFor } from './downsampled-series';

const RESOLUTIONS: Resolution[] = [
  { stepMs: 2_000, capacity: 20 },
  { stepMs: 10_000, capacity: 20 },
];

/** Samples at non-decreasing times (gaps of 0 to 25 s, so the rings wrap and buckets hold several samples or none). */
const samples = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 25_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { maxLength: 300 })
  .map((steps) => {
    let at = 1_700_000_000_000;
    return steps.map(([gap, value]) => ({ at: (at += gap), value }));
  });
const windowMs = fc.integer({ min: 1_000, max: 200_000 });

function seriesOf(aggregation: 'mean' | 'max', list: Array<{ at: number; value: number }>): DownsampledSeries {
  const series = new DownsampledSeries(RESOLUTIONS, aggregation);
  for (const sample of list) series.add(sample.at, sample.value);
  return series;
}

describe('DownsampledSeries', () => {
  it('keeps at most its capacity of buckets, whatever was added', () => {
    fc.assert(
      fc.property(samples, windowMs, (list, window) => {
        const now = (list.at(-1)?.at ?? 0) + 1;
        const { stepMs, buckets } = seriesOf('mean', list).read(window, now);
        expect(buckets.length).toBeLessThanOrEqual(RESOLUTIONS.find((resolution) => resolution.stepMs === stepMs)!.capacity);
      }),
    );
  });

  it('returns buckets oldest first, one per step at most', () => {
    fc.assert(
      fc.property(samples, windowMs, (list, window) => {
        const { stepMs, buckets } = seriesOf('max', list).read(window, (list.at(-1)?.at ?? 0) + 1);
        for (let i = 1; i < buckets.length; i++) expect(buckets[i].at - buckets[i - 1].at).toBeGreaterThanOrEqual(stepMs);
        for (const bucket of buckets) expect(bucket.at % stepMs).toBe(0);
      }),
    );
  });

  it('loses no sample inside a window its resolution spans: the buckets hold every sample since the window start, with their mean', () => {
    fc.assert(
      fc.property(samples, windowMs, (list, window) => {
        const now = (list.at(-1)?.at ?? 0) + 1;
        const { stepMs, buckets } = seriesOf('mean', list).read(window, now);
        const spanned = RESOLUTIONS.find((resolution) => resolution.stepMs === stepMs)!;
        fc.pre(window <= stepMs * (spanned.capacity - 1));
        const from = Math.floor((now - window) / stepMs) * stepMs;
        const inside = list.filter((sample) => sample.at >= from);
        expect(buckets.reduce((sum, bucket) => sum + bucket.samples, 0)).toBe(inside.length);
        const total = inside.reduce((sum, sample) => sum + sample.value, 0);
        expect(buckets.reduce((sum, bucket) => sum + bucket.value * bucket.samples, 0)).toBeCloseTo(total, 3);
      }),
    );
  });

  it('shows the peak of each bucket for a gauge aggregated by max', () => {
    fc.assert(
      fc.property(samples, (list) => {
        const now = (list.at(-1)?.at ?? 0) + 1;
        const { stepMs, buckets } = seriesOf('max', list).read(30_000, now);
        for (const bucket of buckets) {
          const values = list.filter((sample) => Math.floor(sample.at / stepMs) * stepMs === bucket.at).map((sample) => sample.value);
          expect(bucket.value).toBe(Math.max(...values));
        }
      }),
    );
  });

  it('reads a long window from the coarse resolution and a short one from the fine', () => {
    expect(resolutionFor(RESOLUTIONS, 30_000).stepMs).toBe(2_000);
    expect(resolutionFor(RESOLUTIONS, 60_000).stepMs).toBe(10_000);
    expect(resolutionFor(RESOLUTIONS, 10_000_000).stepMs).toBe(10_000);
  });

  it('drops a sample older than its newest bucket (the clock went back) and non-finite values', () => {
    const series = new DownsampledSeries(RESOLUTIONS, 'mean');
    series.add(10_000, 1);
    series.add(4_000, 100);
    series.add(10_500, NaN);
    expect(series.read(20_000, 12_000).buckets).toEqual([{ at: 10_000, value: 1, samples: 1 }]);
  });
});

import fc from 'fast-check';
import { bucketIncrease, histogramQuantile } from './histogram-quantile';

const buckets = (counts: Array<[number, number]>) => counts.map(([le, count]) => ({ le, count }));

describe('histogramQuantile', () => {
  it('interpolates inside the bucket the rank falls in, as Prometheus does', () => {
    // 10 observations: 4 ≤ 0.1, 8 ≤ 0.5, 10 ≤ 1
    const histogram = buckets([[0.1, 4], [0.5, 8], [1, 10], [Infinity, 10]]);
    expect(histogramQuantile(0.5, histogram)).toBeCloseTo(0.2);
    expect(histogramQuantile(0.2, histogram)).toBeCloseTo(0.05);
    expect(histogramQuantile(0.9, histogram)).toBeCloseTo(0.75);
  });

  it('answers the highest finite bound for a rank in +Inf, and null without observations', () => {
    expect(histogramQuantile(0.99, buckets([[0.1, 1], [1, 2], [Infinity, 10]]))).toBe(1);
    expect(histogramQuantile(0.5, buckets([[0.1, 0], [Infinity, 0]]))).toBeNull();
    expect(histogramQuantile(0.5, [])).toBeNull();
  });

  it('never decreases with the quantile and stays within the finite bounds', () => {
    const histogram = fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 8 }).map((increments) => {
      let count = 0;
      return [...increments.map((increment, index) => ({ le: 0.01 * 2 ** index, count: (count += increment) })), { le: Infinity, count: count + 1 }];
    });
    fc.assert(
      fc.property(histogram, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (h, a, b) => {
        const [low, high] = [Math.min(a, b), Math.max(a, b)];
        const ql = histogramQuantile(low, h)!;
        const qh = histogramQuantile(high, h)!;
        expect(ql).toBeLessThanOrEqual(qh + 1e-12);
        expect(qh).toBeLessThanOrEqual(h[h.length - 2].le);
      }),
    );
  });
});

describe('bucketIncrease', () => {
  it('subtracts the earlier counts, and counts from 0 after a restart', () => {
    expect(bucketIncrease(buckets([[1, 2], [Infinity, 3]]), buckets([[1, 5], [Infinity, 7]]))).toEqual(buckets([[1, 3], [Infinity, 4]]));
    expect(bucketIncrease(buckets([[1, 5], [Infinity, 7]]), buckets([[1, 1], [Infinity, 1]]))).toEqual(buckets([[1, 1], [Infinity, 1]]));
  });
});

import fc from 'fast-check';
import { apportion } from './apportion';

describe('apportion', () => {
  it('splits the total exactly, each part the floor or ceiling of its exact share', () =>
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }), (total, weights) => {
        fc.pre(weights.some((weight) => weight > 0));
        const parts = apportion(total, weights);
        const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
        expect(parts.reduce((sum, part) => sum + part, 0)).toBe(total);
        parts.forEach((part, index) => {
          const share = (total * weights[index]) / weightSum;
          expect(part).toBeGreaterThanOrEqual(Math.floor(share) - 1e-9);
          expect(part).toBeLessThanOrEqual(Math.ceil(share) + 1e-9);
        });
      }),
    ));

  it('refuses weights without a positive sum', () => {
    expect(() => apportion(10, [0, 0])).toThrow(RangeError);
    expect(() => apportion(10, [])).toThrow(RangeError);
  });
});

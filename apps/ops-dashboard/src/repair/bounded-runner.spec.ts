import fc from 'fast-check';
import { chunked, runBounded } from './bounded-runner';

describe('runBounded', () => {
  it('works on every item exactly once and never on more than `concurrency` at a time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(5), { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), async (delays, concurrency) => {
        const seen: number[] = [];
        let running = 0;
        let most = 0;
        await runBounded(delays.map((delay, index) => ({ delay, index })), concurrency, async ({ delay, index }) => {
          running++;
          most = Math.max(most, running);
          for (let tick = 0; tick < delay; tick++) await Promise.resolve();
          seen.push(index);
          running--;
        });
        expect([...seen].sort((a, b) => a - b)).toEqual(delays.map((_delay, index) => index));
        expect(most).toBeLessThanOrEqual(concurrency);
      }),
    );
  });

  it('takes no new item once stopped, and lets those running finish', async () => {
    const started: number[] = [];
    let stop = false;
    await runBounded([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 1) stop = true;
      await Promise.resolve();
    }, () => stop);
    expect(started).toEqual([0, 1]);
  });
});

describe('chunked', () => {
  it('keeps every item in order, in chunks of at most the size', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.integer({ min: 1, max: 10 }), (items, size) => {
        const chunks = chunked(items, size);
        expect(chunks.flat()).toEqual(items);
        expect(chunks.every((chunk) => chunk.length > 0 && chunk.length <= size)).toBe(true);
      }),
    );
  });
});

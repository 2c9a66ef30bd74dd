import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('holds 300 units at 1000/s to about 0.3 s after the first second of budget', async () => {
    const limiter = new RateLimiter(1000);
    await limiter.take(1000);
    const started = Date.now();
    for (let i = 0; i < 3; i++) await limiter.take(100);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(600);
  });

  it('does not wait without a limit', async () => {
    const limiter = new RateLimiter(undefined);
    const started = Date.now();
    await limiter.take(1_000_000);
    expect(Date.now() - started).toBeLessThan(20);
  });
});

/**
 * Spreads work to at most `perSecond` units a second (a token bucket holding one second of work), so a replay
 * does not starve the live consumers of the same database and broker.
 */
export class RateLimiter {
  private available: number;
  private refilledAt = Date.now();

  constructor(private readonly perSecond: number | undefined) {
    this.available = perSecond ?? 0;
  }

  /** Resolves when `units` may be done now. */
  async take(units: number): Promise<void> {
    const rate = this.perSecond;
    if (!rate || rate <= 0) return;
    for (;;) {
      const now = Date.now();
      this.available = Math.min(rate, this.available + ((now - this.refilledAt) / 1000) * rate);
      this.refilledAt = now;
      // a chunk larger than one second's budget runs once the bucket is full, not never
      const needed = Math.min(units, rate);
      if (this.available >= needed) {
        this.available -= units;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((needed - this.available) / rate) * 1000)));
    }
  }
}

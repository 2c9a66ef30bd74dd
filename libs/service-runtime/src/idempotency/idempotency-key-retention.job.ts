import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { IdempotentRequests } from './idempotent-requests';

const INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes idempotency keys past their retention: once at start-up, then hourly. A request with an expired key that
 * arrives before the job is treated as new anyway (idempotent-requests.ts forgets the expired key on access).
 */
@Injectable()
export class IdempotencyKeyRetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('idempotency');
  private timer?: NodeJS.Timeout;

  constructor(private readonly requests: IdempotentRequests) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async run(now: Date = new Date()): Promise<number> {
    try {
      const deleted = await this.requests.deleteExpired(now);
      if (deleted > 0) this.logger.log(`deleted ${deleted} expired idempotency keys`);
      return deleted;
    } catch (error) {
      this.logger.error(`idempotency key retention run failed: ${(error as Error).message}`);
      return 0;
    }
  }
}

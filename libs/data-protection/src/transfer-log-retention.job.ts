import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { TransferLog } from './transfer-log';

export const RETENTION_INTERVAL_MS = Symbol('RETENTION_INTERVAL_MS');

/** Deletes transfer log entries past the retention period: once at start-up, then on an interval. */
@Injectable()
export class TransferLogRetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('transfer-log');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly transferLog: TransferLog,
    @Inject(RETENTION_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass; `now` is a parameter so a test can run the job as if two years had passed. */
  async run(now: Date = new Date()): Promise<number> {
    try {
      const deleted = await this.transferLog.deleteExpired(now);
      if (deleted > 0) this.logger.log(`deleted ${deleted} transfer log entries older than the retention period`);
      return deleted;
    } catch (error) {
      this.logger.error(`retention run failed: ${(error as Error).message}`);
      return 0;
    }
  }
}

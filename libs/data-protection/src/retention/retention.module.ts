import { DynamicModule, Module } from '@nestjs/common';
import { RETENTION_JOB_OPTIONS, RetentionJob, type RetentionJobOptions } from './retention.job';

const HOURLY = 60 * 60 * 1000;

/** The retention job of one service instance (retention-catalog.ts applied to its database). */
@Module({})
export class RetentionModule {
  static forRoot(options: Partial<RetentionJobOptions> = {}): DynamicModule {
    const resolved: RetentionJobOptions = { intervalMs: HOURLY, batchSize: 1000, clock: () => new Date(), ...options };
    return {
      module: RetentionModule,
      providers: [RetentionJob, { provide: RETENTION_JOB_OPTIONS, useValue: resolved }],
      exports: [RetentionJob],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryKeyRetention } from './delivery-key-retention';
import { RETENTION_JOB_OPTIONS, RetentionJob, type RetentionJobOptions } from './retention.job';
import { SubjectKeyRetention } from './subject-key-retention';

const HOURLY = 60 * 60 * 1000;

/** The retention job of one service instance (retention-catalog.ts applied to its database). */
@Module({})
export class RetentionModule {
  /**
   * `deliveryKeys`: the router's, whose delivery keys end with their recipients' retention (delivery-key-retention.ts);
   * `subjectKeys`: a register's, whose own keys of persons end with its records of them (subject-key-retention.ts).
   */
  static forRoot(options: Partial<RetentionJobOptions> = {}, { deliveryKeys = false, subjectKeys = false } = {}): DynamicModule {
    const resolved: RetentionJobOptions = { intervalMs: HOURLY, batchSize: 1000, clock: () => new Date(), ...options };
    return {
      module: RetentionModule,
      providers: [RetentionJob, { provide: RETENTION_JOB_OPTIONS, useValue: resolved }, ...(deliveryKeys ? [DeliveryKeyRetention] : []), ...(subjectKeys ? [SubjectKeyRetention] : [])],
      exports: [RetentionJob],
    };
  }
}

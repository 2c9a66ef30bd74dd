import { DynamicModule, Module } from '@nestjs/common';
import { AdmittedTransferHandler } from './admitted-transfer-handler';
import { TransferLog } from './transfer-log';
import { TransferLogController } from './transfer-log.controller';
import { RETENTION_INTERVAL_MS, TransferLogRetentionJob } from './transfer-log-retention.job';

const HOURLY = 60 * 60 * 1000;

/** The transfer log of one instance: the log itself, GET /transfers?idnr= and the retention job. */
@Module({})
export class TransferLogModule {
  static forRoot(options: { retentionIntervalMs?: number } = {}): DynamicModule {
    return {
      module: TransferLogModule,
      global: true,
      controllers: [TransferLogController],
      providers: [TransferLog, AdmittedTransferHandler, TransferLogRetentionJob, { provide: RETENTION_INTERVAL_MS, useValue: options.retentionIntervalMs ?? HOURLY }],
      exports: [TransferLog, AdmittedTransferHandler, TransferLogRetentionJob],
    };
  }
}

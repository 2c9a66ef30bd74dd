import { DynamicModule, Module } from '@nestjs/common';
import { AdmittedTransferHandler } from './admitted-transfer-handler';
import { TransferLog } from './transfer-log';
import { TransferLogController } from './transfer-log.controller';

/** The transfer log of one instance: the log itself and GET /transfers?idnr= (its retention: RetentionModule). */
@Module({})
export class TransferLogModule {
  static forRoot(): DynamicModule {
    return {
      module: TransferLogModule,
      global: true,
      controllers: [TransferLogController],
      providers: [TransferLog, AdmittedTransferHandler],
      exports: [TransferLog, AdmittedTransferHandler],
    };
  }
}

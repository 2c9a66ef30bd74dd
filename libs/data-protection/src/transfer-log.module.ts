import { DynamicModule, Module } from '@nestjs/common';
import { AdmittedTransferHandler } from './admitted-transfer-handler';
import { KeptRecords } from './retention/kept-records';
import { KeptRecordsController } from './retention/kept-records.controller';
import { TransferLog } from './transfer-log';
import { TransferLogController } from './transfer-log.controller';

/**
 * What one instance tells a person's cockpit: its transfer log (GET /transfers?idnr=) and what it keeps about them until
 * when (GET /retention?idnr=). The retention job itself: RetentionModule.
 */
@Module({})
export class TransferLogModule {
  static forRoot(): DynamicModule {
    return {
      module: TransferLogModule,
      global: true,
      controllers: [TransferLogController, KeptRecordsController],
      providers: [TransferLog, AdmittedTransferHandler, KeptRecords],
      exports: [TransferLog, AdmittedTransferHandler, KeptRecords],
    };
  }
}

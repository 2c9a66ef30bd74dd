import { Module } from '@nestjs/common';
import { defineRegisterCapability } from '@regsync/data-protection/register-capability';
import { CivilStatusBirthRecordIdnr1760000330000 } from './civil-status-birth-record-idnr.migration';
import { civilStatusRecordsTable } from '@regsync/persistence/register-table-catalog';
import { civilStatusDrift } from './civil-status.drift';
import { CivilStatusTable1760000310000 } from './civil-status.migration';
import { namesRestatement } from './names.restatement';
import { ResidentsModule } from '../residents/residents.module';
import { CivilStatusController } from './civil-status.controller';
import { CivilStatusService } from './civil-status.service';

/** Personenstandsregister: the Standesamt's agency API; it consumes no events. */
@Module({
  imports: [ResidentsModule],
  controllers: [CivilStatusController],
  providers: [CivilStatusService],
})
export class CivilStatusModule {}

/** Its table is isolated by authority in MunicipalAuthorityKeys1760000810000, the app's migration of that step. */
export const civilStatusCapability = defineRegisterCapability({
  module: CivilStatusModule,
  tables: [civilStatusRecordsTable],
  migrations: [CivilStatusTable1760000310000, CivilStatusBirthRecordIdnr1760000330000],
  drift: civilStatusDrift,
  restatements: [namesRestatement],
});

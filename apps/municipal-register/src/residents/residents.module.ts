import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import { defineRegisterCapability } from '@regsync/data-protection/register-capability';
import { residentsTable } from '@regsync/persistence/register-table-catalog';
import { InitialLoadService } from './initial-load.service';
import { residenceRestatement } from './residence.restatement';
import { ResidentEventsHandler } from './resident-events.handler';
import { ResidentsController } from './residents.controller';
import { residentsDrift } from './residents.drift';
import { ResidentsDwellingStatus1760000700000 } from './residents-dwelling-status.migration';
import { ResidentsTable1760000300000 } from './residents.migration';
import { ResidentsService } from './residents.service';

/** Melderegister: Anmeldung and initial load via API, newborns, IdNr, Rückmeldung, name changes and deaths via events. */
@Module({
  controllers: [ResidentsController, ResidentEventsHandler],
  providers: [ResidentsService, InitialLoadService, AddressDisclosure],
  exports: [ResidentsService],
})
export class ResidentsModule {}

/** Its table is isolated by authority in MunicipalAuthorityKeys1760000810000, the app's migration of that step. */
export const residentsCapability = defineRegisterCapability({
  module: ResidentsModule,
  tables: [residentsTable],
  migrations: [ResidentsTable1760000300000, ResidentsDwellingStatus1760000700000],
  drift: residentsDrift,
  restatements: [residenceRestatement],
});

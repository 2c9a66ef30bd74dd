import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import { defineRegisterCapability } from '@regsync/data-protection/register-capability';
import { stateResidentsTable } from '@regsync/persistence/register-table-catalog';
import { StateResidentEventsHandler } from './state-resident-events.handler';
import { StateResidentsController } from './state-residents.controller';
import { stateResidentsDrift } from './state-residents.drift';
import { StateResidentsDwellingStatus1760000710000 } from './state-residents-dwelling-status.migration';
import { StateResidentsFormerResident1760000420000 } from './state-residents-former-resident.migration';
import { StateResidentsTable1760000400000 } from './state-residents.migration';
import { StateResidentsService } from './state-residents.service';

/** Landesmelderegister: read API; written only by events from the Land's municipalities. */
@Module({
  controllers: [StateResidentsController, StateResidentEventsHandler],
  providers: [StateResidentsService, AddressDisclosure],
})
export class StateResidentsModule {}

/** Its table is isolated by authority in StateAuthorityKeys1760000820000, the app's migration of that step. */
export const stateResidentsCapability = defineRegisterCapability({
  module: StateResidentsModule,
  tables: [stateResidentsTable],
  migrations: [StateResidentsTable1760000400000, StateResidentsFormerResident1760000420000, StateResidentsDwellingStatus1760000710000],
  drift: stateResidentsDrift,
});

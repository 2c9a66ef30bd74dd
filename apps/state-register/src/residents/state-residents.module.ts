import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-blocks/address-disclosure';
import { StateResidentEventsHandler } from './state-resident-events.handler';
import { StateResidentsController } from './state-residents.controller';
import { StateResidentsService } from './state-residents.service';

/** Landesmelderegister: read API; written only by events from the Land's municipalities. */
@Module({
  controllers: [StateResidentsController, StateResidentEventsHandler],
  providers: [StateResidentsService, AddressDisclosure],
})
export class StateResidentsModule {}

import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-blocks/address-disclosure';
import { InitialLoadService } from './initial-load.service';
import { ResidentEventsHandler } from './resident-events.handler';
import { ResidentsController } from './residents.controller';
import { ResidentsService } from './residents.service';

/** Melderegister: Anmeldung and initial load via API, newborns, IdNr, Rückmeldung, name changes and deaths via events. */
@Module({
  controllers: [ResidentsController, ResidentEventsHandler],
  providers: [ResidentsService, InitialLoadService, AddressDisclosure],
  exports: [ResidentsService],
})
export class ResidentsModule {}

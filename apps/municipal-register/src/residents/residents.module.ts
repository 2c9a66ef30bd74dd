import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-blocks/address-disclosure';
import { ResidentEventsHandler } from './resident-events.handler';
import { ResidentsController } from './residents.controller';
import { ResidentsService } from './residents.service';

/** Melderegister: Anmeldung via API, newborns, IdNr, Rückmeldung, name changes and deaths via events. */
@Module({
  controllers: [ResidentsController, ResidentEventsHandler],
  providers: [ResidentsService, AddressDisclosure],
  exports: [ResidentsService],
})
export class ResidentsModule {}

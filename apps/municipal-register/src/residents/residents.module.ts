import { Module } from '@nestjs/common';
import { ResidentEventsHandler } from './resident-events.handler';
import { ResidentsController } from './residents.controller';
import { ResidentsService } from './residents.service';

/** Melderegister: Anmeldung via API, newborns, IdNr, Rückmeldung, name changes and deaths via events. */
@Module({
  controllers: [ResidentsController, ResidentEventsHandler],
  providers: [ResidentsService],
  exports: [ResidentsService],
})
export class ResidentsModule {}

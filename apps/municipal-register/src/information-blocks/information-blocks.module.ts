import { Module } from '@nestjs/common';
import { InformationBlockEventsHandler } from './information-block-events.handler';
import { InformationBlocksController } from './information-blocks.controller';
import { InformationBlocksService } from './information-blocks.service';

/** Auskunftssperren and bedingte Sperrvermerke: set and lifted via API, received from other Meldebehörden via events. */
@Module({
  controllers: [InformationBlocksController, InformationBlockEventsHandler],
  providers: [InformationBlocksService],
})
export class InformationBlocksModule {}

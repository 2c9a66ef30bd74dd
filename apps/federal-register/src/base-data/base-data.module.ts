import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-blocks/address-disclosure';
import { BaseDataEventsHandler } from './base-data-events.handler';
import { BaseDataService } from './base-data.service';
import { PersonsController } from './persons.controller';

/** IdNr base data: read API, kept current by events. */
@Module({
  controllers: [PersonsController, BaseDataEventsHandler],
  providers: [BaseDataService, AddressDisclosure],
})
export class BaseDataModule {}

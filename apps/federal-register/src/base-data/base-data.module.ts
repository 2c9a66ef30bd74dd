import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import { defineRegisterCapability } from '@regsync/data-protection/register-capability';
import { idnrBaseDataTable } from '@regsync/persistence/register-table-catalog';
import { BaseDataEventsHandler } from './base-data-events.handler';
import { baseDataDrift } from './base-data.drift';
import { BaseDataService } from './base-data.service';
import { IdnrBaseDataTable1760000500000 } from './idnr-base-data.migration';
import { PersonsController } from './persons.controller';

/** IdNr base data: read API, kept current by events. */
@Module({
  controllers: [PersonsController, BaseDataEventsHandler],
  providers: [BaseDataService, AddressDisclosure],
})
export class BaseDataModule {}

/** Its table is isolated by authority in FederalAuthorityKeys1760000830000, the app's migration of that step. */
export const baseDataCapability = defineRegisterCapability({
  module: BaseDataModule,
  tables: [idnrBaseDataTable],
  migrations: [IdnrBaseDataTable1760000500000],
  drift: baseDataDrift,
});

import { Module } from '@nestjs/common';
import { defineRegisterCapability } from '@regsync/data-protection/register-capability';
import { propertyTaxEntriesTable } from '@regsync/persistence/register-table-catalog';
import { ParcelEventsHandler } from './parcel-events.handler';
import { PropertyTaxController } from './property-tax.controller';
import { propertyTaxDrift } from './property-tax.drift';
import { PropertyTaxTable1760000320000 } from './property-tax.migration';
import { PropertyTaxService } from './property-tax.service';

/** Grundsteuer roll: fed by the cadastre's parcel events, read by the agency API. */
@Module({
  controllers: [PropertyTaxController, ParcelEventsHandler],
  providers: [PropertyTaxService],
})
export class PropertyTaxModule {}

/** The roll's table is isolated by authority in MunicipalAuthorityKeys1760000810000, the app's migration of that step. */
export const propertyTaxCapability = defineRegisterCapability({
  module: PropertyTaxModule,
  tables: [propertyTaxEntriesTable],
  migrations: [PropertyTaxTable1760000320000],
  drift: propertyTaxDrift,
});

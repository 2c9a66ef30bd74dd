import { Module } from '@nestjs/common';
import { ParcelEventsHandler } from './parcel-events.handler';
import { PropertyTaxController } from './property-tax.controller';
import { PropertyTaxService } from './property-tax.service';

/** Grundsteuer roll: fed by the cadastre's parcel events, read by the agency API. */
@Module({
  controllers: [PropertyTaxController, ParcelEventsHandler],
  providers: [PropertyTaxService],
})
export class PropertyTaxModule {}

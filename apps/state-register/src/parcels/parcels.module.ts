import { DynamicModule, Module } from '@nestjs/common';
import { ParcelsController } from './parcels.controller';
import { PROPERTY_TAX_ROLLS } from './property-tax-rolls.token';
import { ParcelsService } from './parcels.service';

/** Liegenschaftskataster: the cadastre's agency API; it consumes no events. */
@Module({})
export class ParcelsModule {
  /** `rolls`: the municipalities whose property-tax roll runs (a parcel elsewhere is refused). */
  static forRoot(rolls: ReadonlySet<string>): DynamicModule {
    return {
      module: ParcelsModule,
      controllers: [ParcelsController],
      providers: [ParcelsService, { provide: PROPERTY_TAX_ROLLS, useValue: rolls }],
    };
  }
}

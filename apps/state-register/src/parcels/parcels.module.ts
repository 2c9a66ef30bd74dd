import { DynamicModule, Module } from '@nestjs/common';
import { parcelsTable } from '@regsync/persistence/register-table-catalog';
import { defineRegisterCapability } from '@regsync/data-protection/register-capability';
import { parcelRestatement } from './parcel.restatement';
import { ParcelsController } from './parcels.controller';
import { parcelsDrift } from './parcels.drift';
import { ParcelsErasedOwners1767000310000 } from './parcels-erased-owners.migration';
import { ParcelsTable1760000410000 } from './parcels.migration';
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

/** The cadastre's table is isolated by authority in StateAuthorityKeys1760000820000, the app's migration of that step. */
export const parcelsCapability = (rolls: ReadonlySet<string>) =>
  defineRegisterCapability({
    module: ParcelsModule.forRoot(rolls),
    tables: [parcelsTable],
    migrations: [ParcelsTable1760000410000, ParcelsErasedOwners1767000310000],
    drift: parcelsDrift,
    restatements: [parcelRestatement],
  });

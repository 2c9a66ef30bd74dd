import { Module } from '@nestjs/common';
import { AddressDisclosure } from '@regsync/data-protection/information-block-handling';
import { defineRegisterCapability } from '@regsync/data-protection/register-capability';
import { secondaryResidencesTable } from '@regsync/persistence/register-table-catalog';
import { SecondaryResidencesController } from './secondary-residences.controller';
import { SecondaryResidencesTable1767000200000 } from './secondary-residences.migration';
import { SecondaryResidencesMovedOutBy1767200000000 } from './secondary-residences-moved-out-by.migration';
import { SecondaryResidencesService } from './secondary-residences.service';

/** Nebenwohnungen of the Melderegister (§ 21 BMG): Anmeldung and Abmeldung by the agency API, ended by a death; nothing is sent (no route in the catalog). */
@Module({
  controllers: [SecondaryResidencesController],
  providers: [SecondaryResidencesService, AddressDisclosure],
})
export class SecondaryResidencesModule {}

export const secondaryResidencesCapability = defineRegisterCapability({
  module: SecondaryResidencesModule,
  tables: [secondaryResidencesTable],
  migrations: [SecondaryResidencesTable1767000200000, SecondaryResidencesMovedOutBy1767200000000],
});

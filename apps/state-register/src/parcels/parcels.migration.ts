import { MigrationInterface, QueryRunner } from 'typeorm';
import { parcelFactsTableCreation } from '@regsync/persistence/register-tables/parcel-facts.table';

export class ParcelsTable1760000410000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(parcelFactsTableCreation('parcels'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table parcels');
  }
}

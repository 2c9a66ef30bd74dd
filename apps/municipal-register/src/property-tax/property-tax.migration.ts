import { MigrationInterface, QueryRunner } from 'typeorm';
import { parcelFactsTableCreation } from '@regsync/persistence/register-tables/parcel-facts.table';

export class PropertyTaxTable1760000320000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(parcelFactsTableCreation('property_tax_entries'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table property_tax_entries');
  }
}

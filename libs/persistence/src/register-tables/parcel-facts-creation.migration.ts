import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first migration of both parcel-fact tables (`parcels` in the state cadastre, `property_tax_entries` in the
 * municipal roll), which were created alike. History: the statement stays as it ran, whatever the descriptors say
 * later; a later column comes with a migration of its own, and each app's register-tables test compares the migrated
 * table with its descriptor.
 */
export abstract class ParcelFactsTableCreation implements MigrationInterface {
  protected abstract readonly table: 'parcels' | 'property_tax_entries';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table ${this.table} (
        parcel_id text primary key,
        municipality_key text not null,
        area_square_metres bigint not null,
        usage text not null,
        owner_idnrs jsonb not null,
        last_change_reason text,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table ${this.table}`);
  }
}

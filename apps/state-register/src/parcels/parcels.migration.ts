import { MigrationInterface, QueryRunner } from 'typeorm';

export class ParcelsTable1760000410000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table parcels (
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
    await queryRunner.query('drop table parcels');
  }
}

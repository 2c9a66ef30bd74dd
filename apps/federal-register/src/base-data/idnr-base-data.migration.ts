import { MigrationInterface, QueryRunner } from 'typeorm';

export class IdnrBaseDataTable1760000500000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table idnr_base_data (
        idnr text primary key,
        birth_registration_id text unique,
        family_name text not null,
        given_names text not null,
        previous_family_names jsonb not null default '[]',
        sex text not null,
        date_of_birth date not null,
        place_of_birth text,
        address jsonb not null,
        moved_in_on date,
        status text not null check (status in ('ALIVE', 'DECEASED')),
        date_of_death date,
        assigned_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table idnr_base_data');
  }
}

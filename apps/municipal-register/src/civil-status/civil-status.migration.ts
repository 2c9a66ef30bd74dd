import { MigrationInterface, QueryRunner } from 'typeorm';

export class CivilStatusTable1760000310000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table civil_status_records (
        id bigserial primary key,
        birth_registration_id text unique,
        idnr text unique,
        family_name text not null,
        given_names text not null,
        sex text not null,
        date_of_birth date not null,
        place_of_birth text,
        parent_idnrs jsonb not null default '[]',
        marital_status text,
        status text not null check (status in ('ALIVE', 'DECEASED')),
        date_of_death date,
        place_of_death text,
        name_history jsonb not null default '[]',
        updated_at timestamptz not null default now(),
        check (idnr is not null or birth_registration_id is not null)
      )`);
    // Numbers the births of this Standesamt: the last part of the birth registration id.
    await queryRunner.query('create sequence birth_registration_sequence');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop sequence birth_registration_sequence');
    await queryRunner.query('drop table civil_status_records');
  }
}

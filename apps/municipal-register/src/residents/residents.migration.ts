import { MigrationInterface, QueryRunner } from 'typeorm';

export class ResidentsTable1760000300000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table residents (
        id bigserial primary key,
        idnr text unique,
        birth_registration_id text unique,
        family_name text not null,
        given_names text not null,
        sex text not null,
        date_of_birth date not null,
        place_of_birth text,
        address jsonb not null,
        moved_in_on date not null,
        status text not null check (status in ('RESIDENT', 'MOVED_OUT', 'DECEASED')),
        moved_out_on date,
        moved_out_to text,
        marital_status text,
        date_of_death date,
        place_of_death text,
        updated_at timestamptz not null default now(),
        check (idnr is not null or birth_registration_id is not null)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table residents');
  }
}

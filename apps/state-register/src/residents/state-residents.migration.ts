import { MigrationInterface, QueryRunner } from 'typeorm';

export class StateResidentsTable1760000400000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table state_residents (
        idnr text primary key,
        family_name text not null,
        given_names text not null,
        sex text not null,
        date_of_birth date not null,
        address jsonb not null,
        moved_in_on date not null,
        status text not null check (status in ('RESIDENT', 'MOVED_AWAY', 'DECEASED')),
        moved_away_to text,
        moved_away_on date,
        marital_status text,
        date_of_death date,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table state_residents');
  }
}

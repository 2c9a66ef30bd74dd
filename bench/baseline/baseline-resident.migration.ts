import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The register row of the baseline, the same in the Melderegister, the Land mirror and the BZSt: the person, the
 * correlation id of the action that wrote it last, when, and how often an event was applied to it (a duplicate
 * effect shows as one too many).
 */
export class BaselineResidentMigration1765000000000 implements MigrationInterface {
  name = 'BaselineResidentMigration1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`create table baseline_resident (
      idnr varchar(11) primary key, family_name varchar not null, given_names varchar not null, sex varchar not null,
      date_of_birth date not null, street varchar not null, house_number varchar not null, postal_code varchar not null,
      city varchar not null, municipality_key varchar(8) not null, moved_in_on date not null, dwelling_status varchar not null,
      correlation_id varchar not null, applied_at timestamptz not null default now(), applied_count int not null default 1)`);
    await runner.query('create index baseline_resident_correlation on baseline_resident (correlation_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table baseline_resident');
  }
}

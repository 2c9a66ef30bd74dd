import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';

export class BenchResidentMigration1732500000000 implements MigrationInterface {
  name = 'BenchResidentMigration1732500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`create table bench_resident (
      idnr varchar(11) primary key, family_name varchar not null, given_names varchar not null, sex varchar not null,
      date_of_birth date not null, street varchar not null, house_number varchar not null, postal_code varchar not null,
      city varchar not null, municipality_key varchar not null, moved_in_on date not null, moves_applied int not null)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table bench_resident');
  }
}

/** The bench's register follows the registers' rule: the handler writes it as the consuming authority. */
export class BenchResidentAuthorityKeys1732500000001 implements MigrationInterface {
  name = 'BenchResidentAuthorityKeys1732500000001';

  async up(runner: QueryRunner): Promise<void> {
    await isolateByAuthority(runner, [{ table: 'bench_resident', primaryKey: ['idnr'] }]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await shareByAuthority(runner, [{ table: 'bench_resident', primaryKey: ['idnr'] }]);
  }
}

/**
 * The fault suite's independent record of what the register applied, in the order it applied it (`seq`): the check
 * compares it with what the writer sent, event by event.
 */
export class BenchApplyLog1732500000002 implements MigrationInterface {
  name = 'BenchApplyLog1732500000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`create table bench_apply_log (seq bigserial primary key, event_id uuid not null, idnr varchar(11) not null, subject_version bigint not null)`);
    await isolateByAuthority(runner, [{ table: 'bench_apply_log', primaryKey: ['seq'] }]);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table bench_apply_log');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import { isolateByAuthority, shareByAuthority, type AuthorityTable } from '@regsync/persistence/authority-scope';

const secondaryResidences: AuthorityTable[] = [{ table: 'secondary_residences', primaryKey: ['idnr', 'dwelling'] }];

/** The Nebenwohnungen (§ 21 BMG); DDL as createTableSql(secondaryResidencesTable) printed it, frozen here. */
export class SecondaryResidencesTable1767000200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table secondary_residences (
        idnr text not null,
        dwelling text not null,
        address jsonb not null,
        moved_in_on date not null,
        moved_out_on date,
        registered_by text not null,
        updated_at timestamptz not null default now(),
        primary key (idnr, dwelling)
      )`);
    await isolateByAuthority(queryRunner, secondaryResidences);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, secondaryResidences);
    await queryRunner.query('drop table secondary_residences');
  }
}

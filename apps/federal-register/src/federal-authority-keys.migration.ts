import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';

/** The registers of each hosted authority, isolated by row-level security (one database for every authority of the process). */
const federalAuthorityTables: AuthorityTable[] = [
  { table: 'idnr_base_data', primaryKey: ['idnr'], unique: [['birth_registration_id']] },
];

export class FederalAuthorityKeys1760000830000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, federalAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, federalAuthorityTables);
  }
}

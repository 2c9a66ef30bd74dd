import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';

/** The registers of each hosted authority, isolated by row-level security (one database for every authority of the process). */
const municipalAuthorityTables: AuthorityTable[] = [
  { table: 'residents', primaryKey: ['id'], unique: [['idnr'], ['birth_registration_id']] },
  { table: 'civil_status_records', primaryKey: ['id'], unique: [['birth_registration_id'], ['idnr']] },
  { table: 'property_tax_entries', primaryKey: ['parcel_id'] },
  { table: 'information_block_audit', primaryKey: ['id'] },
];

export class MunicipalAuthorityKeys1760000810000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, municipalAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, municipalAuthorityTables);
  }
}

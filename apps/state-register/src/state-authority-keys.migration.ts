import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';

/** The registers of each hosted authority, isolated by row-level security (one database for every authority of the process). */
const stateAuthorityTables: AuthorityTable[] = [
  { table: 'state_residents', primaryKey: ['idnr'] },
  { table: 'parcels', primaryKey: ['parcel_id'] },
];

export class StateAuthorityKeys1760000820000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, stateAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, stateAuthorityTables);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';

/**
 * The information blocks (§§ 51, 52 BMG) a register holds, one row per IdNr, next to the register's own table: every
 * register that holds an address (Melderegister, Landesmelderegister, IdNr base data) keeps its blocks the same way.
 * kind null: lifted (kept so an older set arriving later cannot bring the block back), or no block known while the
 * previous residence's answer to the Rückmeldung is awaited (awaiting_rueckmeldung_from).
 */
export class InformationBlocksTable1760000600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table information_blocks (
        idnr text primary key,
        kind text check (kind in ('AUSKUNFTSSPERRE', 'BEDINGTER_SPERRVERMERK')),
        valid_until date,
        changed_at timestamptz not null,
        awaiting_rueckmeldung_from text,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table information_blocks');
  }
}

const informationBlockAuthorityTables: AuthorityTable[] = [{ table: 'information_blocks', primaryKey: ['idnr'] }];

export class InformationBlocksAuthorityKeys1760000803000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, informationBlockAuthorityTables);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, informationBlockAuthorityTables);
  }
}

/** Add to the app's ServiceDatabaseModule.forRoot({ migrations }) of every register that holds addresses. */
export const informationBlockMigrations = [InformationBlocksTable1760000600000, InformationBlocksAuthorityKeys1760000803000];

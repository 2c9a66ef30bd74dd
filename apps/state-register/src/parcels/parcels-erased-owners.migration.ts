import { MigrationInterface, QueryRunner } from 'typeorm';

/** The owners the cadastre keeps after their erasure without transferring their IdNr (register-domain parcels.ts). */
export class ParcelsErasedOwners1767000310000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // The default fills the rows there are; every write names the column (parcelsTable), as for the others.
    await queryRunner.query(`alter table parcels add column erased_owner_idnrs jsonb not null default '[]'::jsonb`);
    await queryRunner.query('alter table parcels alter column erased_owner_idnrs drop default');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table parcels drop column erased_owner_idnrs');
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/** The Abmeldung of a Nebenwohnung records the agency that registered it, as the Anmeldung does (who did what). */
export class SecondaryResidencesMovedOutBy1767200000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table secondary_residences add column moved_out_by text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table secondary_residences drop column moved_out_by');
  }
}

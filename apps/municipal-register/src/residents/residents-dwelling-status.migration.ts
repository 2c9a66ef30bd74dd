import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ResidenceRegistered v2 carries the dwelling's status (§ 21 BMG). Every earlier registration was a Hauptwohnung (the
 * schema's default says the same of v1 events); from now on every write names the status, so the column keeps no default.
 */
export class ResidentsDwellingStatus1760000700000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      alter table residents
        add column dwelling_status text not null default 'HAUPTWOHNUNG' check (dwelling_status in ('HAUPTWOHNUNG', 'NEBENWOHNUNG'))`);
    await queryRunner.query('alter table residents alter column dwelling_status drop default');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table residents drop column dwelling_status');
  }
}

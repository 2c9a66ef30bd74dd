import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ResidenceRegistered v2 carries the dwelling's status (§ 21 BMG), which the Land mirror keeps (§ 55 BMG data set).
 * Every earlier registration was a Hauptwohnung; a former resident known only from the move away has none (null).
 */
export class StateResidentsDwellingStatus1760000710000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table state_residents add column dwelling_status text check (dwelling_status in ('HAUPTWOHNUNG', 'NEBENWOHNUNG'))`);
    await queryRunner.query(`update state_residents set dwelling_status = 'HAUPTWOHNUNG' where moved_in_on is not null`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table state_residents drop column dwelling_status');
  }
}

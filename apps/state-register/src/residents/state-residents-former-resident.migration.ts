import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A move away can arrive before the registration in the Land it ends (events of one person come from different
 * municipalities); the mirror then keeps the person as a former resident whose move-in date is not known yet.
 */
export class StateResidentsFormerResident1760000420000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table state_residents alter column moved_in_on drop not null');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('delete from state_residents where moved_in_on is null');
    await queryRunner.query('alter table state_residents alter column moved_in_on set not null');
  }
}

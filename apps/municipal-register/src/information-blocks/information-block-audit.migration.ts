import { MigrationInterface, QueryRunner } from 'typeorm';

/** Who set or lifted which block, when and why: the Meldebehörde's own record (§ 51 BMG requires a reasoned decision). */
export class InformationBlockAuditTable1760000610000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table information_block_audit (
        id bigserial primary key,
        idnr text not null,
        action text not null check (action in ('SET', 'LIFTED')),
        kind text not null,
        reason_category text,
        valid_until date,
        agency text not null,
        correlation_id text not null,
        event_id uuid not null,
        recorded_at timestamptz not null default now()
      )`);
    await queryRunner.query('create index information_block_audit_idnr on information_block_audit (idnr, recorded_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table information_block_audit');
  }
}

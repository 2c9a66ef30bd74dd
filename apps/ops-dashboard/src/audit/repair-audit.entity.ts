import { Column, Entity, MigrationInterface, PrimaryGeneratedColumn, QueryRunner } from 'typeorm';

/** One drift repair: who asked for which comparison when, and (once finished) what came of it. */
@Entity({ name: 'repair_audit' })
export class RepairAuditRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** The dashboard's id of the repair job. */
  @Column({ name: 'repair_id', type: 'text' })
  repairId!: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'user_subject', type: 'text' })
  userSubject!: string;

  @Column({ name: 'user_name', type: 'text' })
  userName!: string;

  @Column({ type: 'text' })
  dataset!: string;

  /** The replica whose drift is repaired, e.g. `state-register 03`. */
  @Column({ type: 'text' })
  replica!: string;

  @Column({ type: 'integer' })
  subjects!: number;

  /** Shared by every event the repair causes ("where did it go"). */
  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  /** running, done, cancelled or failed. */
  @Column({ type: 'text' })
  state!: string;

  @Column({ type: 'integer', default: 0 })
  restated!: number;

  @Column({ name: 'not_held_here', type: 'integer', default: 0 })
  notHeldHere!: number;

  @Column({ type: 'integer', default: 0 })
  failed!: number;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}

export class RepairAuditTable1765300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table repair_audit (
        id bigserial primary key,
        repair_id text not null unique,
        requested_at timestamptz not null,
        user_subject text not null,
        user_name text not null,
        dataset text not null,
        replica text not null,
        subjects integer not null,
        correlation_id text not null,
        state text not null,
        restated integer not null default 0,
        not_held_here integer not null default 0,
        failed integer not null default 0,
        finished_at timestamptz
      )`);
    await queryRunner.query('create index repair_audit_requested_at on repair_audit (requested_at desc)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table repair_audit');
  }
}

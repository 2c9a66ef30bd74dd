import { Column, Entity, MigrationInterface, PrimaryGeneratedColumn, QueryRunner } from 'typeorm';

/** One re-drive of a dead letter: who (subject and name from the ID token), when, and which record went where. */
@Entity({ name: 'redrive_audit' })
export class RedriveAuditRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'redriven_at', type: 'timestamptz' })
  redrivenAt!: Date;

  @Column({ name: 'user_subject', type: 'text' })
  userSubject!: string;

  @Column({ name: 'user_name', type: 'text' })
  userName!: string;

  /** `topic/partition/offset` of the dead letter. */
  @Column({ name: 'dead_letter', type: 'text' })
  deadLetter!: string;

  @Column({ name: 'source_topic', type: 'text' })
  sourceTopic!: string;

  @Column({ name: 'reason_code', type: 'text' })
  reasonCode!: string;

  @Column({ name: 'event_type', type: 'text', nullable: true })
  eventType!: string | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;
}

export class RedriveAuditTable1765000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table redrive_audit (
        id bigserial primary key,
        redriven_at timestamptz not null,
        user_subject text not null,
        user_name text not null,
        dead_letter text not null,
        source_topic text not null,
        reason_code text not null,
        event_type text,
        correlation_id text
      )`);
    await queryRunner.query('create index redrive_audit_redriven_at on redrive_audit (redriven_at desc)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table redrive_audit');
  }
}

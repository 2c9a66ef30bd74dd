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

  /** The topic the record was written to: its group's retry topic (before: the source topic, or the router's re-drive topic; null before this was recorded). */
  @Column({ name: 'redriven_to', type: 'text', nullable: true })
  redrivenTo!: string | null;

  /** Where on `redriven_to` (null before this was recorded): what the group's outcome record names. */
  @Column({ name: 'redriven_partition', type: 'int', nullable: true })
  redrivenPartition!: number | null;

  @Column({ name: 'redriven_offset', type: 'text', nullable: true })
  redrivenOffset!: string | null;

  /** What the consumer group made of it (RedriveOutcomeKind), and in words; null until it reported. */
  @Column({ type: 'text', nullable: true })
  outcome!: string | null;

  @Column({ name: 'outcome_detail', type: 'text', nullable: true })
  outcomeDetail!: string | null;

  @Column({ name: 'outcome_at', type: 'timestamptz', nullable: true })
  outcomeAt!: Date | null;

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

/** Where each re-drive went: for the router's dead letters that is not the source topic (its re-drive topic). */
export class RedriveAuditTarget1765100000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table redrive_audit add column redriven_to text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table redrive_audit drop column redriven_to');
  }
}

/** Where each re-drive landed on its retry topic, and what the consumer group reported it made of it. */
export class RedriveAuditOutcome1765200000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'alter table redrive_audit add column redriven_partition int, add column redriven_offset text, add column outcome text, add column outcome_detail text, add column outcome_at timestamptz',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table redrive_audit drop column redriven_partition, drop column redriven_offset, drop column outcome, drop column outcome_detail, drop column outcome_at');
  }
}

import { KAFKA_HEADERS } from '@regsync/contracts/topics';
import { Column, Entity, MigrationInterface, PrimaryColumn, PrimaryGeneratedColumn, QueryRunner } from 'typeorm';
import { AuthorityTable, isolateByAuthority, shareByAuthority } from '@regsync/persistence/authority-scope';
import { HeldEventsTable1760000900000 } from './held-events';
import { SubjectKeysTable1767000050000 } from './subject-keys';

/** One outgoing event, encoded (Confluent framing) in the transaction of the register change that caused it. */
@Entity({ name: 'regsync_outbox' })
export class OutboxRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'text' })
  topic!: string;

  /** Null only for the dead letter of a record that had no key. */
  @Column({ name: 'record_key', type: 'text', nullable: true })
  recordKey!: string | null;

  /** Null only for a tombstone (a subject gone from a compacted state topic). */
  @Column({ type: 'bytea', nullable: true })
  payload!: Buffer | null;

  /** Where the relay writes the subject version into `payload` (null: published as stored). */
  @Column({ name: 'version_offset', type: 'int', nullable: true })
  versionOffset!: number | null;

  /** Kafka headers (regsync-event-type, regsync-event-id, regsync-correlation-id, traceparent). */
  @Column({ type: 'jsonb' })
  headers!: Record<string, string>;

  @Column({ name: 'subject_version', type: 'bigint' })
  subjectVersion!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}

/** The version counter of each subject per sending register of this instance (envelope.subjectVersion). */
@Entity({ name: 'regsync_subject_version' })
export class SubjectVersionCounter {
  @PrimaryColumn({ type: 'text' })
  register!: string;

  @PrimaryColumn({ name: 'subject_kind', type: 'text' })
  subjectKind!: string;

  @PrimaryColumn({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ type: 'bigint' })
  version!: string;
}

/** Every event this instance has processed; the primary key makes a redelivery a no-op. */
@Entity({ name: 'regsync_inbox' })
export class InboxRecord {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ type: 'int' })
  partition!: number;

  @Column({ type: 'bigint' })
  offset!: string;

  /** applied | stale | gap_applied (a held event has no row until it is applied) */
  @Column({ type: 'text' })
  outcome!: string;

  @Column({ name: 'processed_at', type: 'timestamptz' })
  processedAt!: Date;
}

/** The highest subject version applied per subject and source register (older ones are stale). */
@Entity({ name: 'regsync_applied_version' })
export class AppliedSubjectVersion {
  @PrimaryColumn({ name: 'subject_kind', type: 'text' })
  subjectKind!: string;

  @PrimaryColumn({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @PrimaryColumn({ name: 'source_instance_key', type: 'text' })
  sourceInstanceKey!: string;

  @PrimaryColumn({ name: 'source_register', type: 'text' })
  sourceRegister!: string;

  @Column({ type: 'bigint' })
  version!: string;
}

export class MessagingTables1760000100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table regsync_outbox (
        id bigserial primary key,
        event_id uuid not null unique,
        event_type text not null,
        topic text not null,
        record_key text not null,
        payload bytea not null,
        headers jsonb not null,
        subject_version bigint not null,
        created_at timestamptz not null default now(),
        published_at timestamptz
      )`);
    // The relay only ever reads the unpublished tail; this index stays small however long the table grows.
    await queryRunner.query(`create index regsync_outbox_unpublished on regsync_outbox (id) where published_at is null`);
    await queryRunner.query(`
      create function regsync_outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('regsync_outbox', '');
        return null;
      end $$`);
    // Per statement, and NOTIFY is delivered at commit (deduplicated per transaction): one wake-up per transaction.
    await queryRunner.query(`
      create trigger regsync_outbox_notify after insert on regsync_outbox
      for each statement execute function regsync_outbox_notify()`);
    await queryRunner.query(`
      create table regsync_subject_version (
        register text not null,
        subject_kind text not null,
        subject_id text not null,
        version bigint not null,
        primary key (register, subject_kind, subject_id)
      )`);
    await queryRunner.query(`
      create table regsync_inbox (
        event_id uuid primary key,
        event_type text not null,
        topic text not null,
        partition int not null,
        "offset" bigint not null,
        outcome text not null,
        processed_at timestamptz not null default now()
      )`);
    await queryRunner.query(`
      create table regsync_applied_version (
        subject_kind text not null,
        subject_id text not null,
        source_instance_key text not null,
        source_register text not null,
        version bigint not null,
        primary key (subject_kind, subject_id, source_instance_key, source_register)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table regsync_applied_version');
    await queryRunner.query('drop table regsync_inbox');
    await queryRunner.query('drop table regsync_subject_version');
    await queryRunner.query('drop trigger regsync_outbox_notify on regsync_outbox');
    await queryRunner.query('drop function regsync_outbox_notify');
    await queryRunner.query('drop table regsync_outbox');
  }
}

/**
 * Avro's encoding of a long (zigzag, then 7 bits per byte, low group first) for a subject version: the outbox encodes
 * an event once with version 0 and writes the version its statement assigns into the bytes (outbox.ts).
 */
export class OutboxVersionEncoding1760000110000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create function regsync_avro_long(version bigint) returns bytea language plpgsql immutable strict as $$
      declare
        rest bigint := version * 2;
        encoded bytea := '';
      begin
        if version < 0 then
          raise exception 'regsync_avro_long: % is negative', version;
        end if;
        while rest >= 128 loop
          encoded := encoded || set_byte('\\x00'::bytea, 0, ((rest & 127) | 128)::int);
          rest := rest >> 7;
        end loop;
        return encoded || set_byte('\\x00'::bytea, 0, rest::int);
      end $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop function regsync_avro_long');
  }
}

/** The router writes one row per delivery of an event: an event id is unique per topic, no longer per outbox. */
export class OutboxDeliveries1760000120000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table regsync_outbox drop constraint regsync_outbox_event_id_key');
    await queryRunner.query('alter table regsync_outbox add constraint regsync_outbox_event_id_topic_key unique (event_id, topic)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table regsync_outbox drop constraint regsync_outbox_event_id_topic_key');
    await queryRunner.query('alter table regsync_outbox add constraint regsync_outbox_event_id_key unique (event_id)');
  }
}

/**
 * Dead letters go out through the outbox, in the transaction of their chunk, under an id derived from where they
 * failed: a redelivered failure is no second dead letter. Their record may have had no key.
 */
export class OutboxDeadLetters1760000130000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table regsync_outbox alter column record_key drop not null');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`delete from regsync_outbox where record_key is null`);
    await queryRunner.query('alter table regsync_outbox alter column record_key set not null');
  }
}

/** The router writes tombstones (a record without a value) on compacted state topics through the outbox. */
export class OutboxTombstones1767000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table regsync_outbox alter column payload drop not null');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('delete from regsync_outbox where payload is null');
    await queryRunner.query('alter table regsync_outbox alter column payload set not null');
  }
}

/** Outbox order, subject versions and the inbox are per authority: each hosted authority sends and receives as itself. */
const messagingAuthorityTables: AuthorityTable[] = [
  { table: 'regsync_outbox', primaryKey: ['id'], unique: [['event_id', 'topic']] },
  { table: 'regsync_subject_version', primaryKey: ['register', 'subject_kind', 'subject_id'] },
  { table: 'regsync_inbox', primaryKey: ['event_id'] },
  { table: 'regsync_applied_version', primaryKey: ['subject_kind', 'subject_id', 'source_instance_key', 'source_register'] },
];

export class MessagingAuthorityKeys1760000800000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await isolateByAuthority(queryRunner, messagingAuthorityTables);
    // The relay (the owner, every authority's rows) marks rows published by id alone.
    await queryRunner.query('create unique index regsync_outbox_id on regsync_outbox (id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index regsync_outbox_id');
    await shareByAuthority(queryRunner, messagingAuthorityTables);
  }
}

/**
 * One row per database: its epoch (subject-version-epoch.ts), which the outbox puts into every subject version; the
 * last Kafka transaction of its relay whose rows it marked published; and the database (its oid) the relay last
 * checked against its progress topic. A database restored from a backup is behind that topic: the relay then starts a
 * new epoch (outbox-relay.ts). A database restored by pg_restore is a new one: the outbox refuses to number events in
 * it (SQLSTATE 57P03, retried like a database that is starting) until the relay has checked it, so none gets a version
 * of the old epoch. Every authority reads the row (the outbox's statement runs as the authority); only the owner writes.
 */
export class ProducerEpoch1766000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table regsync_producer_state (
        singleton boolean primary key default true check (singleton),
        epoch bigint not null default 0,
        published_transaction bigint,
        published_at timestamptz,
        checked_database oid
      )`);
    await queryRunner.query(`insert into regsync_producer_state (checked_database) select oid from pg_database where datname = current_database()`);
    await queryRunner.query('alter table regsync_producer_state enable row level security');
    await queryRunner.query('create policy readable_by_every_authority on regsync_producer_state for select using (true)');
    await queryRunner.query(`
      create function regsync_epoch_floor(span bigint) returns bigint language plpgsql stable as $$
      declare
        state record;
      begin
        select epoch, checked_database into state from regsync_producer_state;
        if state.checked_database is distinct from (select oid from pg_database where datname = current_database()) then
          raise exception 'outbox: this database has not been checked against Kafka by its relay yet (restored from a backup?); retry shortly'
            using errcode = '57P03';
        end if;
        return state.epoch * span;
      end $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop function regsync_epoch_floor');
    await queryRunner.query('drop table regsync_producer_state');
  }
}

/**
 * The writer wakes the relay (outbox-wake-up.ts), not a trigger: a NOTIFY in every writing transaction serialised the
 * commits of the whole database.
 */
export class OutboxWakeUpByWriter1766000100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop trigger regsync_outbox_notify on regsync_outbox');
    await queryRunner.query('drop function regsync_outbox_notify');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create function regsync_outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('regsync_outbox', '');
        return null;
      end $$`);
    await queryRunner.query(`
      create trigger regsync_outbox_notify after insert on regsync_outbox
      for each statement execute function regsync_outbox_notify()`);
  }
}

/**
 * Avro is encoded in TypeScript only: the relay writes an event's subject version into its bytes
 * (subject-version-slot.ts), no longer the outbox statement with `regsync_avro_long`. The outbox stores where the slot
 * is; a row without it (any other record, or an event stored before this migration with its version written in) is
 * published as stored. Not for a rolling upgrade: a relay of an older release would publish the new rows with version 0.
 */
export class OutboxVersionSlot1767100000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table regsync_outbox add column version_offset int');
    // drop function regsync_avro_long (and in `down`, create it again)
    await new OutboxVersionEncoding1760000110000().down(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await new OutboxVersionEncoding1760000110000().up(queryRunner);
    await queryRunner.query(`
      update regsync_outbox set payload = overlay(payload placing regsync_avro_long(subject_version) from version_offset + 1 for 1)
      where version_offset is not null and published_at is null`);
    await queryRunner.query('alter table regsync_outbox drop column version_offset');
  }
}

export const messagingEntities = [OutboxRecord, SubjectVersionCounter, InboxRecord, AppliedSubjectVersion];
/**
 * A provider's delivery topic carries one record per addressed authority: the router writes an event twice to one topic
 * when two authorities it hosts receive it (a death held by both), so a row is unique per event, topic and addressee.
 */
export class OutboxDeliveryAddressee1766500000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table regsync_outbox drop constraint regsync_outbox_event_id_topic_key');
    await queryRunner.query(`create unique index regsync_outbox_event_topic_addressee on regsync_outbox (authority_key, event_id, topic, ${OUTBOX_ADDRESSEE})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop index regsync_outbox_event_topic_addressee');
    await queryRunner.query('alter table regsync_outbox add constraint regsync_outbox_event_id_topic_key unique (authority_key, event_id, topic)');
  }
}

/** The authority a delivery row is addressed to ('' for any other row): part of an outbox row's identity. */
export const OUTBOX_ADDRESSEE = `(coalesce(headers->>'${KAFKA_HEADERS.recipientAuthority}', ''))`;

export const messagingMigrations = [
  MessagingTables1760000100000,
  OutboxVersionEncoding1760000110000,
  OutboxDeliveries1760000120000,
  OutboxDeadLetters1760000130000,
  MessagingAuthorityKeys1760000800000,
  HeldEventsTable1760000900000,
  ProducerEpoch1766000000000,
  OutboxWakeUpByWriter1766000100000,
  OutboxDeliveryAddressee1766500000000,
  OutboxTombstones1767000000000,
  SubjectKeysTable1767000050000,
  OutboxVersionSlot1767100000000,
];

import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { EventSubject, RegsyncEvent } from '@regsync/contracts/generated/events';
import type { SubjectKey } from '@regsync/contracts/sealed-event';
import { deleteSubjectKeys, SubjectKeys, subjectKeyOf, type DeletedSubjectKey, type SubjectKeyTable } from '@regsync/messaging/subject-keys';
import { isolateByAuthority } from '@regsync/persistence/authority-isolation';
import { copyRetentionAfter, NO_HOLDING_EVENTS, type CopyHolding } from '@regsync/register-domain/copy-retention';
import { deletionCutoff, type RetentionPeriod } from '@regsync/register-domain/retention-catalog';
import type { RegisterAddress, RegisterInstance } from '@regsync/register-domain/registers';

/** Before delivery keys: which senders' subject keys the router gave to which recipient (dropped by the next migration). */
export class SubjectKeyGrantsTable1767000100000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table subject_key_grants (
        delivery_topic text not null,
        key_id uuid not null,
        subject_kind text not null,
        subject_id text not null,
        primary key (delivery_topic, key_id)
      )`);
    await queryRunner.query('create index subject_key_grants_subject on subject_key_grants (subject_kind, subject_id)');
    await isolateByAuthority(queryRunner, [{ table: 'subject_key_grants', primaryKey: ['delivery_topic', 'key_id'] }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table subject_key_grants');
  }
}

/**
 * The router's delivery keys: one data key per recipient authority and subject, which seals every delivery about the
 * subject to that recipient and goes onto the recipient's key topic with the first of them. Deleting one (an erasure,
 * or the end of the recipient's retention of the person) makes exactly that recipient's copy unreadable. Replaces the
 * grants of the senders' keys (subject_key_grants): a sender's key is never given to a recipient any more.
 */
export class DeliveryKeysTable1767000200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table subject_key_grants');
    await queryRunner.query(`
      create table delivery_keys (
        recipient text not null,
        delivery_topic text not null,
        subject_kind text not null,
        subject_id text not null,
        key_id uuid not null,
        wrapped_key bytea not null,
        created_at timestamptz not null default now(),
        holding jsonb,
        retention_register text,
        retention_started_at timestamptz,
        primary key (recipient, delivery_topic, subject_kind, subject_id)
      )`);
    await queryRunner.query('create index delivery_keys_subject on delivery_keys (subject_kind, subject_id)');
    await queryRunner.query('create index delivery_keys_retention on delivery_keys (retention_register, retention_started_at) where retention_started_at is not null');
    await isolateByAuthority(queryRunner, [{ table: 'delivery_keys', primaryKey: ['recipient', 'delivery_topic', 'subject_kind', 'subject_id'] }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table delivery_keys');
  }
}

/** Where a delivery key went: its recipient's delivery topic (whose key topic carries it) and its id. */
export interface DeliveryKeyRelease {
  dataTopic: string;
  keyId: string;
}

const DELIVERY_KEYS: SubjectKeyTable = { name: 'delivery_keys', holderColumns: ['recipient', 'delivery_topic'] };

/** `LEVEL:instanceKey`, as ROUTED_INSTANCES names an authority. */
function recipientText({ level, instanceKey }: RegisterInstance): string {
  return `${level}:${instanceKey}`;
}

/** The delivery keys of the router; without its secret it seals nothing, and still erases what it holds. */
export class DeliveryKeys {
  private readonly keys?: SubjectKeys;

  constructor(secret?: Buffer) {
    if (secret) this.keys = new SubjectKeys(secret, DELIVERY_KEYS);
  }

  /**
   * The key that seals `event`'s delivery to `recipient` on `deliveryTopic`, made now if there is none; and the
   * recipient's retention of the subject updated by the event (copy-retention.ts).
   */
  async keyFor(manager: EntityManager, recipient: RegisterAddress, deliveryTopic: string, event: RegsyncEvent): Promise<SubjectKey> {
    if (!this.keys) throw new Error('routing: a sealed event arrived and the router has no SUBJECT_KEY_SECRET to seal its deliveries with');
    const { envelope, ...payload } = event as RegsyncEvent & Record<string, unknown>;
    const holder = [recipientText(recipient), deliveryTopic];
    const { keys } = await this.keys.keysOf(manager, [envelope.subject], holder);
    await this.recordRetention(manager, holder, envelope.subject, (before) => copyRetentionAfter(envelope.eventType, payload, recipient, before));
    return subjectKeyOf(keys, envelope.subject);
  }

  /** Deletes every delivery key of the subjects, for every recipient; returns where each went. */
  async erase(manager: EntityManager, subjects: readonly EventSubject[]): Promise<DeliveryKeyRelease[]> {
    if (subjects.length === 0) return [];
    return releasesOf(
      await deleteSubjectKeys(manager, DELIVERY_KEYS, '(subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[]))', [subjects.map(({ kind }) => kind), subjects.map(({ id }) => id)]),
    );
  }

  private async recordRetention(manager: EntityManager, [recipient, deliveryTopic]: string[], subject: EventSubject, after: (before: CopyHolding) => ReturnType<typeof copyRetentionAfter>): Promise<void> {
    // An event that changes no copy's retention changes none whatever the holding before (copy-retention.ts).
    if (!after(NO_HOLDING_EVENTS)) return;
    const key = [recipient, deliveryTopic, subject.kind, subject.id];
    const [row] = (await manager.query('select holding from delivery_keys where recipient = $1 and delivery_topic = $2 and subject_kind = $3 and subject_id = $4', key)) as { holding: CopyHolding | null }[];
    const retention = after(row?.holding ?? NO_HOLDING_EVENTS);
    if (!retention) return;
    await manager.query(
      'update delivery_keys set holding = $5, retention_register = $6, retention_started_at = $7 where recipient = $1 and delivery_topic = $2 and subject_kind = $3 and subject_id = $4',
      [...key, JSON.stringify(retention.holding), retention.register, retention.startedAt],
    );
  }
}

/**
 * Deletes the delivery keys of `register`'s copies whose retention `period` ended before `now`, at most `limit` (keys a
 * routing transaction holds are left for the next run); returns where each went. For the retention job, which runs
 * as the owner, across the router's authorities.
 */
export async function expireDeliveryKeys(manager: EntityManager, register: string, period: RetentionPeriod, now: Date, limit: number): Promise<DeliveryKeyRelease[]> {
  return releasesOf(
    await deleteSubjectKeys(
      manager,
      DELIVERY_KEYS,
      'ctid in (select ctid from delivery_keys where retention_register = $1 and retention_started_at < $2 limit $3 for update skip locked)',
      [register, deletionCutoff(period, now), limit],
    ),
  );
}

function releasesOf(deleted: readonly DeletedSubjectKey[]): DeliveryKeyRelease[] {
  return deleted.map(({ keyId, holder }) => ({ dataTopic: holder.delivery_topic, keyId }));
}

export const deliveryKeysMigrations = [SubjectKeyGrantsTable1767000100000, DeliveryKeysTable1767000200000];

import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { EventSubject, RegsyncEvent } from '@regsync/contracts/generated/events';
import type { SubjectKey } from '@regsync/contracts/event-encoding';
import { deleteSubjectKeys, KeyWrapping, type DeletedSubjectKey, type SubjectKeyTable } from '@regsync/messaging/crypto-shredding';
import { currentAuthority, isolateByAuthority } from '@regsync/persistence/authority-scope';
import { copyRetentionAfter, NO_HOLDING_EVENTS, type CopyHolding, deletionCutoff, type RetentionPeriod } from '@regsync/register-domain/retention';
import type { RegisterAddress, RegisterInstance, RegisterKind } from '@regsync/register-domain/authorities';

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

/**
 * Per delivery key, the key each sender sealed the subject's events with (`register:instanceKey` → key id): a sender
 * that seals with another key has re-keyed the subject (the erasure of a person its events named), so the router
 * withdraws every delivery key of the subject (ChunkDeliveryKeys.keyFor).
 */
export class DeliveryKeysSenderKeys1767000300000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`alter table delivery_keys add column sender_key_ids jsonb not null default '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('alter table delivery_keys drop column sender_key_ids');
  }
}

/** Where a delivery key went: its recipient's delivery topic (whose key topic carries it) and its id. */
export interface DeliveryKeyRelease {
  dataTopic: string;
  keyId: string;
}

const DELIVERY_KEYS: SubjectKeyTable = { name: 'delivery_keys', holderColumns: ['recipient', 'delivery_topic'] };

interface DeliveryKeyRow {
  recipient: string;
  delivery_topic: string;
  subject_kind: EventSubject['kind'];
  subject_id: string;
  key_id: string;
  wrapped_key: Buffer;
  holding: CopyHolding | null;
  retention_register: string | null;
  retention_started_at: Date | null;
  sender_key_ids: Record<string, string>;
}

/** The router's delivery keys; without its secret it seals nothing, and still erases what it holds. */
export class DeliveryKeys {
  private readonly wrapping?: KeyWrapping;

  constructor(secret?: Buffer) {
    if (secret) this.wrapping = new KeyWrapping(secret);
  }

  /**
   * Every delivery key of the chunk's sealed subjects, read once. The caller holds the subjects' locks
   * (SubjectHoldings.lock), so no other routing transaction makes or changes one of them until it commits.
   */
  async read(manager: EntityManager, subjects: readonly EventSubject[]): Promise<ChunkDeliveryKeys> {
    if (subjects.length === 0) return new ChunkDeliveryKeys([], this.wrapping);
    const rows = (await manager.query(
      `select recipient, delivery_topic, subject_kind, subject_id, key_id::text, wrapped_key, holding, retention_register, retention_started_at, sender_key_ids from delivery_keys
       where (subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[]))`,
      [subjects.map(({ kind }) => kind), subjects.map(({ id }) => id)],
    )) as DeliveryKeyRow[];
    return new ChunkDeliveryKeys(rows, this.wrapping);
  }

  /** Deletes every delivery key of the subjects, for every recipient; returns where each went. */
  async erase(manager: EntityManager, subjects: readonly EventSubject[]): Promise<DeliveryKeyRelease[]> {
    if (subjects.length === 0) return [];
    return releasesOf(
      await deleteSubjectKeys(manager, DELIVERY_KEYS, '(subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[]))', [subjects.map(({ kind }) => kind), subjects.map(({ id }) => id)]),
    );
  }
}

/** A chunk's delivery keys in memory while its events are routed in log order; the new and changed ones written once. */
export class ChunkDeliveryKeys {
  private readonly rows = new Map<string, DeliveryKeyRow>();
  /** The row keys of each subject's rows, so that a delivery looks at its subject's keys only, not the chunk's. */
  private readonly rowKeysOfSubject = new Map<string, Set<string>>();
  private readonly issued = new Set<string>();
  private readonly changed = new Set<string>();
  /** The keys unwrapped (or made) in this chunk. */
  private readonly opened = new Map<string, Buffer>();
  /** Keys stored before this chunk and withdrawn in it (their subject re-keyed by its sender): deleted by `record`. */
  private readonly withdrawnStored: DeliveryKeyRow[] = [];
  /** Every key withdrawn in this chunk, to be tombstoned after the deliveries (which carry the ones made in it). */
  readonly withdrawn: DeliveryKeyRelease[] = [];
  /** Per recipient and subject, the last key withdrawn in this chunk. */
  private readonly lastWithdrawn = new Map<string, DeliveryKeyRow>();

  constructor(
    rows: readonly DeliveryKeyRow[],
    private readonly wrapping: KeyWrapping | undefined,
  ) {
    for (const row of rows) this.add(row);
  }

  private add(row: DeliveryKeyRow): string {
    const rowKey = rowKeyOf(row);
    this.rows.set(rowKey, row);
    const subjectKey = subjectKeyOf(row.subject_kind, row.subject_id);
    const ofSubject = this.rowKeysOfSubject.get(subjectKey) ?? new Set<string>();
    this.rowKeysOfSubject.set(subjectKey, ofSubject.add(rowKey));
    return rowKey;
  }

  /**
   * The key that seals `event`'s delivery to `recipient` on `deliveryTopic`, made now if there is none; and the
   * recipient's retention of the subject as the event changes it (copy-retention.ts).
   */
  keyFor(recipient: RegisterAddress, deliveryTopic: string, event: RegsyncEvent, senderKeyId: string): SubjectKey {
    if (!this.wrapping) throw new Error('routing: a sealed event arrived and the router has no SUBJECT_KEY_SECRET to seal its deliveries with');
    const { envelope, ...payload } = event as RegsyncEvent & Record<string, unknown>;
    const sender = senderOf(envelope.source);
    this.withdrawIfRekeyed(envelope.subject, sender, senderKeyId);
    const authority = currentAuthority();
    const holder = [recipientText(recipient), deliveryTopic];
    const rowKey = rowKeyOf({ recipient: holder[0], delivery_topic: deliveryTopic, subject_kind: envelope.subject.kind, subject_id: envelope.subject.id });
    let row = this.rows.get(rowKey);
    let key = this.opened.get(rowKey);
    if (row && !key) {
      key = this.wrapping.unwrap(authority, envelope.subject, holder, row.key_id, row.wrapped_key);
      this.opened.set(rowKey, key);
    } else if (!row) {
      const made = { id: randomUUID(), key: randomBytes(32) };
      key = made.key;
      this.opened.set(rowKey, key);
      row = { recipient: holder[0], delivery_topic: deliveryTopic, subject_kind: envelope.subject.kind, subject_id: envelope.subject.id, key_id: made.id, wrapped_key: this.wrapping.wrap(authority, envelope.subject, holder, made), holding: null, retention_register: null, retention_started_at: null, sender_key_ids: {} };
      this.issued.add(this.add(row));
    }
    this.retain(rowKey, row, envelope.eventType, payload, recipient);
    if (row.sender_key_ids[sender] !== senderKeyId) {
      row.sender_key_ids = { ...row.sender_key_ids, [sender]: senderKeyId };
      this.markChanged(rowKey);
    }
    return { id: row.key_id, key: key! };
  }

  /**
   * What a sender sends about a subject changes the retention of its own copy of it, where it holds one: a
   * municipality registering a person who had moved away from it (from abroad, no Rückmeldung answers it), or its own
   * MovedOut. No key is made: without a delivery there is no copy.
   */
  noteSent(event: RegsyncEvent): void {
    const { envelope, ...payload } = event as RegsyncEvent & Record<string, unknown>;
    const sender = recipientText(envelope.source);
    for (const rowKey of this.rowKeysOfSubject.get(subjectKeyOf(envelope.subject.kind, envelope.subject.id)) ?? []) {
      const row = this.rows.get(rowKey)!;
      if (row.recipient === sender) this.retain(rowKey, row, envelope.eventType, payload, envelope.source);
    }
  }

  /** The recipient's retention of the subject as the event changes it (copy-retention.ts). */
  private retain(rowKey: string, row: DeliveryKeyRow, eventType: string, payload: Record<string, unknown>, recipient: RegisterAddress): void {
    const retention = copyRetentionAfter(eventType, payload, recipient, row.holding ?? NO_HOLDING_EVENTS);
    if (!retention) return;
    Object.assign(row, { holding: retention.holding, retention_register: retention.register, retention_started_at: retention.startedAt });
    this.markChanged(rowKey);
  }

  private markChanged(rowKey: string): void {
    if (!this.issued.has(rowKey)) this.changed.add(rowKey);
  }

  /**
   * The recipients whose copy of a subject was withdrawn in this chunk and who got no delivery of it afterwards: their
   * state record of the subject opens no more and no new one replaces it, so it ends (a tombstone, named by the key's
   * id). A recipient that got a delivery after the withdrawal (the sender's restatement) has its record rewritten by the
   * chunk already.
   */
  statesEndedByWithdrawal(): { recipient: RegisterInstance; subject: EventSubject; eventId: string }[] {
    return [...this.lastWithdrawn].filter(([rowKey]) => !this.rows.has(rowKey)).map(([, row]) => ({ recipient: recipientInstanceOf(row.recipient), subject: { kind: row.subject_kind, id: row.subject_id }, eventId: row.key_id }));
  }

  /**
   * A sender sealing the subject with another key than before has re-keyed it (it deleted its key at the erasure of a
   * person the subject's events named): every delivery key of the subject, for every recipient, is withdrawn, so no
   * delivery sealed before opens any more (nor the state records holding them); the next deliveries get new keys.
   */
  private withdrawIfRekeyed(subject: EventSubject, sender: string, senderKeyId: string): void {
    const subjectKey = subjectKeyOf(subject.kind, subject.id);
    const ofSubject = [...(this.rowKeysOfSubject.get(subjectKey) ?? [])].map((rowKey) => [rowKey, this.rows.get(rowKey)!] as const);
    if (!ofSubject.some(([, row]) => row.sender_key_ids[sender] !== undefined && row.sender_key_ids[sender] !== senderKeyId)) return;
    this.rowKeysOfSubject.delete(subjectKey);
    for (const [rowKey, row] of ofSubject) {
      this.rows.delete(rowKey);
      this.opened.delete(rowKey);
      this.changed.delete(rowKey);
      if (!this.issued.delete(rowKey)) this.withdrawnStored.push(row);
      this.withdrawn.push({ dataTopic: row.delivery_topic, keyId: row.key_id });
      this.lastWithdrawn.set(rowKey, row);
    }
  }

  /** Writes the keys made and the retentions changed since `read`, one statement each. */
  async record(manager: EntityManager): Promise<void> {
    const write = async (statement: string, keys: ReadonlySet<string>) => {
      if (keys.size === 0) return;
      const rows = [...keys].map((key) => this.rows.get(key)!);
      const column = <K extends keyof DeliveryKeyRow>(name: K) => rows.map((row) => row[name]);
      await manager.query(statement, [
        column('recipient'),
        column('delivery_topic'),
        column('subject_kind'),
        column('subject_id'),
        column('key_id'),
        column('wrapped_key'),
        rows.map(({ holding }) => (holding ? JSON.stringify(holding) : null)),
        column('retention_register'),
        column('retention_started_at'),
        rows.map(({ sender_key_ids }) => JSON.stringify(sender_key_ids)),
      ]);
    };
    if (this.withdrawnStored.length > 0) await manager.query('delete from delivery_keys where key_id = any($1::uuid[])', [this.withdrawnStored.map(({ key_id }) => key_id)]);
    this.withdrawnStored.length = 0;
    // A plain insert: under the subjects' locks no other transaction made one of these keys, and were it so, the
    // deliveries sealed with ours must not commit.
    await write(`insert into delivery_keys (${DELIVERY_KEY_COLUMNS}) select * from ${DELIVERY_KEY_ROWS}`, this.issued);
    await write(
      `update delivery_keys stored set holding = changed.holding, retention_register = changed.retention_register, retention_started_at = changed.retention_started_at, sender_key_ids = changed.sender_key_ids
       from ${DELIVERY_KEY_ROWS} where (stored.recipient, stored.delivery_topic, stored.subject_kind, stored.subject_id) = (changed.recipient, changed.delivery_topic, changed.subject_kind, changed.subject_id)`,
      this.changed,
    );
    this.issued.clear();
    this.changed.clear();
  }
}

const DELIVERY_KEY_COLUMNS = 'recipient, delivery_topic, subject_kind, subject_id, key_id, wrapped_key, holding, retention_register, retention_started_at, sender_key_ids';
const DELIVERY_KEY_ROWS = `unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::bytea[], $7::jsonb[], $8::text[], $9::timestamptz[], $10::jsonb[]) as changed (${DELIVERY_KEY_COLUMNS})`;

function rowKeyOf(row: Pick<DeliveryKeyRow, 'recipient' | 'delivery_topic' | 'subject_kind' | 'subject_id'>): string {
  return [row.recipient, row.delivery_topic, row.subject_kind, row.subject_id].join('\u0000');
}

function subjectKeyOf(kind: string, id: string): string {
  return `${kind}\u0000${id}`;
}

/** `REGISTER:instanceKey`: whose key sealed an event. */
function senderOf({ register, instanceKey }: RegisterAddress): string {
  return `${register}:${instanceKey}`;
}

/** `LEVEL:instanceKey`, as ROUTED_INSTANCES names an authority. */
function recipientText({ level, instanceKey }: RegisterInstance): string {
  return `${level}:${instanceKey}`;
}

function recipientInstanceOf(text: string): RegisterInstance {
  const [level, instanceKey] = text.split(':');
  return { level: level as RegisterInstance['level'], instanceKey };
}

/** A delivery key deleted because its recipient's retention of the subject ended: where it went, and whose copy it sealed. */
export interface ExpiredDeliveryKey extends DeliveryKeyRelease {
  recipient: RegisterAddress;
  subject: EventSubject;
}

/**
 * Deletes the delivery keys of `register`'s copies whose retention `period` ended before `now`, at most `limit`; keys
 * whose subject a routing transaction holds (its lock, SubjectHoldings.lock) are left for the next run, so no key is
 * deleted while a delivery is being sealed with it. Returns where each went. For the retention job, as the router's
 * authority.
 */
export async function expireDeliveryKeys(manager: EntityManager, register: RegisterKind, period: RetentionPeriod, now: Date, limit: number): Promise<ExpiredDeliveryKey[]> {
  const expired = await deleteSubjectKeys(
    manager,
    DELIVERY_KEYS,
    `ctid in (select ctid from delivery_keys where retention_register = $1 and retention_started_at < $2
              and pg_try_advisory_xact_lock(hashtextextended(subject_kind || subject_id, 0)) limit $3 for update skip locked)`,
    [register, deletionCutoff(period, now), limit],
  );
  return expired.map(({ keyId, subject, holder }) => ({ dataTopic: holder.delivery_topic, keyId, subject, recipient: { ...recipientInstanceOf(holder.recipient), register } }));
}

function releasesOf(deleted: readonly DeletedSubjectKey[]): DeliveryKeyRelease[] {
  return deleted.map(({ keyId, holder }) => ({ dataTopic: holder.delivery_topic, keyId }));
}

export const deliveryKeysMigrations = [SubjectKeyGrantsTable1767000100000, DeliveryKeysTable1767000200000, DeliveryKeysSenderKeys1767000300000];

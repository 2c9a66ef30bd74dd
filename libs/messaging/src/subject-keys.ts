import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { EventSubject } from '@regsync/contracts/generated/events';
import type { SubjectKey } from '@regsync/contracts/event-encoding';
import { isolateByAuthority, currentAuthority } from '@regsync/persistence/authority-scope';

/** A subject key made in this transaction: it still has to reach the readers of the topic its events go to. */
export interface IssuedSubjectKey extends SubjectKey {
  subject: EventSubject;
}

/**
 * Where a kind of subject key is stored: the table and the columns naming whom, beside the subject, a key is for (none:
 * the sending register's own key of the subject; the router's delivery keys: the recipient authority and its topic).
 */
export interface SubjectKeyTable {
  name: string;
  holderColumns: readonly string[];
}

/** A key deleted (erased, or its holder's retention ended): its id, its subject and the holder column values it was stored with. */
export interface DeletedSubjectKey {
  keyId: string;
  subject: EventSubject;
  holder: Record<string, string>;
}

/**
 * How subject keys are stored: wrapped (AES-256-GCM) by a key of the current authority, bound to the authority, the
 * subject, the key id and the holder (if any). Each authority's wrapping key is derived (HKDF-SHA-256) from the
 * process's secret and the authority's key, so one hosted authority's rows are of no use under another's.
 */
export class KeyWrapping {
  private readonly wrappingKeys = new Map<string, Buffer>();

  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('subject keys: the secret must have at least 32 bytes');
  }

  wrap(authority: string, subject: EventSubject, holder: readonly string[], { id, key }: SubjectKey): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.wrappingKeyOf(authority), nonce);
    cipher.setAAD(wrapAssociatedData(authority, subject, holder, id));
    return Buffer.concat([nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  }

  unwrap(authority: string, subject: EventSubject, holder: readonly string[], id: string, wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.wrappingKeyOf(authority), wrapped.subarray(0, 12));
    decipher.setAAD(wrapAssociatedData(authority, subject, holder, id));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
    return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
  }

  private wrappingKeyOf(authority: string): Buffer {
    let key = this.wrappingKeys.get(authority);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.secret, 'regsync subject keys', authority, 32));
      this.wrappingKeys.set(authority, key);
    }
    return key;
  }
}

/** Deletes the keys of `table` the condition `where` (with `parameters`) selects; returns what it deleted. */
export async function deleteSubjectKeys(manager: EntityManager, table: SubjectKeyTable, where: string, parameters: readonly unknown[]): Promise<DeletedSubjectKey[]> {
  const holderColumns = table.holderColumns.map((column) => `, ${column}::text`).join('');
  // A delete's result is [rows, count].
  const [rows] = (await manager.query(`delete from ${table.name} where ${where} returning key_id::text, subject_kind, subject_id${holderColumns}`, [...parameters])) as [Record<string, string>[], number];
  return rows.map(({ key_id, subject_kind, subject_id, ...holder }) => ({ keyId: key_id, subject: { kind: subject_kind, id: subject_id } as EventSubject, holder }));
}

const SENDER_SUBJECT_KEYS: SubjectKeyTable = { name: 'regsync_subject_key', holderColumns: [] };

/**
 * The data key of each subject this register sends events about (crypto-shredding): created with the subject's first
 * event, stored wrapped by a key of the sending authority (KeyWrapping), deleted when the subject is erased.
 */
export class SubjectKeys {
  private readonly wrapping: KeyWrapping;

  constructor(secret: Buffer) {
    this.wrapping = new KeyWrapping(secret);
  }

  /** The keys of `subjects` for the current authority, made now where there is none yet (`issued`). */
  async keysOf(manager: EntityManager, subjects: readonly EventSubject[]): Promise<{ keys: Map<string, SubjectKey>; issued: IssuedSubjectKey[] }> {
    const authority = currentAuthority();
    const wanted = [...new Map(subjects.map((subject) => [subjectText(subject), subject])).values()];
    const candidates = wanted.map((subject) => ({ subject, id: randomUUID(), key: randomBytes(32) }));
    // A row another transaction inserts meanwhile is not in this statement's snapshot: read again for those.
    for (let attempt = 1; ; attempt++) {
      const rows = (await manager.query(KEYS_OF, [
        candidates.map(({ subject }) => subject.kind),
        candidates.map(({ subject }) => subject.id),
        candidates.map(({ id }) => id),
        candidates.map((candidate) => this.wrapping.wrap(authority, candidate.subject, [], candidate)),
      ])) as { subject_kind: string; subject_id: string; key_id: string; wrapped_key: Buffer; issued: boolean }[];
      if (rows.length < wanted.length && attempt < 3) continue;
      const keys = new Map<string, SubjectKey>();
      const issued: IssuedSubjectKey[] = [];
      for (const row of rows) {
        const subject = { kind: row.subject_kind, id: row.subject_id } as EventSubject;
        const key = { id: row.key_id, key: this.wrapping.unwrap(authority, subject, [], row.key_id, row.wrapped_key) };
        keys.set(subjectText(subject), key);
        if (row.issued) issued.push({ ...key, subject });
      }
      return { keys, issued };
    }
  }
}

/**
 * Deletes the current authority's keys of `subjects` (an erasure, or the end of the authority's retention of them);
 * returns the id of each deleted. Needs no secret: deleting is what makes the events unreadable.
 */
export async function eraseSenderKeys(manager: EntityManager, subjects: readonly EventSubject[]): Promise<DeletedSubjectKey[]> {
  if (subjects.length === 0) return [];
  return deleteSubjectKeys(manager, SENDER_SUBJECT_KEYS, '(subject_kind, subject_id) in (select * from unnest($1::text[], $2::text[]))', [subjects.map(({ kind }) => kind), subjects.map(({ id }) => id)]);
}

/** Inserts the candidates of subjects without a key and returns every subject's key, `issued` for those inserted now. */
const KEYS_OF = `
  with candidate as (
    select * from unnest($1::text[], $2::text[], $3::uuid[], $4::bytea[]) as candidate (subject_kind, subject_id, key_id, wrapped_key)
  ),
  inserted as (
    insert into regsync_subject_key (subject_kind, subject_id, key_id, wrapped_key)
    select * from candidate
    on conflict (authority_key, subject_kind, subject_id) do nothing
    returning subject_kind, subject_id, key_id, wrapped_key
  )
  select subject_kind, subject_id, key_id::text, wrapped_key, true as issued from inserted
  union all
  select stored.subject_kind, stored.subject_id, stored.key_id::text, stored.wrapped_key, false from regsync_subject_key stored join candidate using (subject_kind, subject_id)`;

/** A sender's key (no holder) is bound as it always was, so the keys wrapped before holders existed still open. */
function wrapAssociatedData(authority: string, subject: EventSubject, holder: readonly string[], keyId: string): Buffer {
  return Buffer.from([authority, subject.kind, subject.id, keyId, ...holder].join('\n'));
}

function subjectText(subject: EventSubject): string {
  return `${subject.kind}:${subject.id}`;
}

export function subjectKeyOf(keys: Map<string, SubjectKey>, subject: EventSubject): SubjectKey {
  return keys.get(subjectText(subject))!;
}

/** The sending register's subject keys, isolated by authority like every table of an authority's data. */
export class SubjectKeysTable1767000050000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table regsync_subject_key (
        subject_kind text not null,
        subject_id text not null,
        key_id uuid not null,
        wrapped_key bytea not null,
        created_at timestamptz not null default now(),
        primary key (subject_kind, subject_id)
      )`);
    await isolateByAuthority(queryRunner, [{ table: 'regsync_subject_key', primaryKey: ['subject_kind', 'subject_id'] }]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table regsync_subject_key');
  }
}

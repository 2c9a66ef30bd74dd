import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { EventSubject } from '@regsync/contracts/generated/events';
import type { SubjectKey } from '@regsync/contracts/sealed-event';
import { isolateByAuthority } from '@regsync/persistence/authority-isolation';
import { currentAuthority } from '@regsync/persistence/authority-context';

/** A subject key made in this transaction: it still has to reach the readers of the topic its events go to. */
export interface IssuedSubjectKey extends SubjectKey {
  subject: EventSubject;
}

/**
 * The data key of each subject this register sends events about (crypto-shredding): created with the subject's first
 * event, stored wrapped (AES-256-GCM) by a key of the sending authority, deleted when the subject is erased. Each
 * authority's wrapping key is derived (HKDF-SHA-256) from the process's secret and the authority's key, so one
 * hosted authority's rows are of no use under another's.
 */
export class SubjectKeys {
  private readonly wrappingKeys = new Map<string, Buffer>();

  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('subject keys: the secret must have at least 32 bytes');
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
        candidates.map((candidate) => this.wrap(authority, candidate.subject, candidate)),
      ])) as { subject_kind: string; subject_id: string; key_id: string; wrapped_key: Buffer; issued: boolean }[];
      if (rows.length < wanted.length && attempt < 3) continue;
      const keys = new Map<string, SubjectKey>();
      const issued: IssuedSubjectKey[] = [];
      for (const row of rows) {
        const subject = { kind: row.subject_kind, id: row.subject_id } as EventSubject;
        const key = { id: row.key_id, key: this.unwrap(authority, subject, row.key_id, row.wrapped_key) };
        keys.set(subjectText(subject), key);
        if (row.issued) issued.push({ ...key, subject });
      }
      return { keys, issued };
    }
  }

  /** Deletes the subject's key (the current authority's): from then on nothing sealed with it opens. Its id, if any. */
  async erase(manager: EntityManager, subject: EventSubject): Promise<string | undefined> {
    // A delete's result is [rows, count].
    const [rows] = (await manager.query('delete from regsync_subject_key where subject_kind = $1 and subject_id = $2 returning key_id::text', [subject.kind, subject.id])) as [{ key_id: string }[], number];
    return rows[0]?.key_id;
  }

  private wrap(authority: string, subject: EventSubject, { id, key }: SubjectKey): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.wrappingKeyOf(authority), nonce);
    cipher.setAAD(wrapAssociatedData(authority, subject, id));
    return Buffer.concat([nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  }

  private unwrap(authority: string, subject: EventSubject, id: string, wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.wrappingKeyOf(authority), wrapped.subarray(0, 12));
    decipher.setAAD(wrapAssociatedData(authority, subject, id));
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

function wrapAssociatedData(authority: string, subject: EventSubject, keyId: string): Buffer {
  return Buffer.from(`${authority}\n${subject.kind}\n${subject.id}\n${keyId}`);
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

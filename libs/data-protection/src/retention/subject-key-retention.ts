import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from '@regsync/messaging/register-messaging';
import { snapshotKeyIdOf } from '@regsync/messaging/crypto-shredding';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { RETENTION_CATALOG, senderKeyRetentionEnded, type PersonRecord } from '@regsync/register-domain/retention';
import { schemaTables } from '../schema-tables';
import { PERSON_RECORD_LOOKUPS } from './retention-targets';
import type { RetentionDeletion } from './retention.job';

const SUBJECT_KEY_RULE = RETENTION_CATALOG.find(({ table }) => table === 'regsync_subject_key')!;

/**
 * A register's part of the retention job (a municipality's, a Land's, the BZSt's): deletes its own data key of each
 * person of whom no record is left in its registers whose retention runs (sender-key-retention.ts), and sends the key's
 * tombstone (and that of the person's snapshot key) to the readers of its outgoing topic in the same transaction, so no
 * copy of the events it sent about the person opens any more. Each hosted authority as itself (its keys, records and
 * outbox rows are its own). Keys of other subjects (a parcel's at the cadastre) are kept while current.
 */
@Injectable()
export class SubjectKeyRetention {
  constructor(
    private readonly dataSource: DataSource,
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
  ) {}

  async run(now: Date, batchSize: number): Promise<RetentionDeletion[]> {
    const authorities = ((await this.dataSource.query(`select distinct authority_key from regsync_subject_key where subject_kind = 'PERSON'`)) as { authority_key: string }[]).map(({ authority_key }) => authority_key);
    let deleted = 0;
    for (const authority of authorities) {
      // Through the authority's keys in pages by subject id; each page decided and shredded in one transaction.
      for (let after = ''; ; ) {
        const page = await runAsAuthority(authority, () => this.database.transaction((manager) => this.shredPage(manager, authority, after, now, batchSize)));
        deleted += page.deleted;
        if (page.last === undefined) break;
        after = page.last;
      }
    }
    return [{ table: SUBJECT_KEY_RULE.table, recordKind: SUBJECT_KEY_RULE.recordKind, legalBasis: SUBJECT_KEY_RULE.legalBasis, deleted }];
  }

  /** One page of keys after `after`: the last subject id read (undefined: no more) and how many keys it deleted. */
  private async shredPage(manager: EntityManager, authority: string, after: string, now: Date, batchSize: number): Promise<{ last?: string; deleted: number }> {
    // A key an erasure holds is left to it.
    const subjects = ((await manager.query(
      `select subject_id from regsync_subject_key where subject_kind = 'PERSON' and subject_id > $1 order by subject_id limit $2 for update skip locked`,
      [after, batchSize],
    )) as { subject_id: string }[]).map(({ subject_id }) => subject_id);
    if (subjects.length === 0) return { deleted: 0 };
    const records = await this.recordsOf(manager, subjects);
    const ended = subjects.filter((subject) => senderKeyRetentionEnded(records.get(subject) ?? [], now));
    const erased = await this.outbox.shredKeys(manager, ended.map((id) => ({ subject: { kind: 'PERSON' as const, id }, snapshotKeyId: snapshotKeyIdOf(authority, id) })));
    return { last: subjects.length < batchSize ? undefined : subjects[subjects.length - 1], deleted: erased.length };
  }

  /** The records the authority's registers keep of each subject, by subject id. */
  private async recordsOf(manager: EntityManager, subjects: readonly string[]): Promise<Map<string, PersonRecord[]>> {
    const tables = await schemaTables(manager);
    const records = new Map<string, PersonRecord[]>();
    for (const { table, recordKind, sql } of PERSON_RECORD_LOOKUPS.filter((lookup) => tables.has(lookup.table))) {
      for (const row of (await manager.query(sql, [subjects])) as { subject_id: string; started_at: Date | null }[]) {
        records.set(row.subject_id, [...(records.get(row.subject_id) ?? []), { table, recordKind, startedAt: row.started_at }]);
      }
    }
    return records;
  }
}

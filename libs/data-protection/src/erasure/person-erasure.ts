import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { outgoingTopicOf } from '@regsync/contracts/topic-catalog';
import { MESSAGING_OPTIONS, MessagingOptions } from '@regsync/messaging/messaging-options';
import { Outbox } from '@regsync/messaging/outbox';
import { snapshotKeyIdOf } from '@regsync/messaging/snapshot-sealing';
import { currentAuthority } from '@regsync/persistence/authority-context';

/**
 * Where a register keeps a person's rows, per table (`$1`: the IdNr); a table this register does not have is skipped.
 * The transfer log stays: it records that and what was transferred (fields, basis, no values) and is kept 2 years by
 * law (§ 9 IDNrG); the outbox keeps what is still to be sent (the erasure itself).
 */
export const PERSON_ERASURE_TARGETS: Readonly<Record<string, string>> = {
  residents: 'idnr = $1',
  civil_status_records: 'idnr = $1',
  secondary_residences: 'idnr = $1',
  state_residents: 'idnr = $1',
  idnr_base_data: 'idnr = $1',
  information_blocks: 'idnr = $1',
  information_block_audit: 'idnr = $1',
  regsync_applied_version: "subject_kind = 'PERSON' and subject_id = $1",
  regsync_held_event: "subject_kind = 'PERSON' and subject_id = $1",
  regsync_subject_version: "subject_kind = 'PERSON' and subject_id = $1",
  regsync_outbox: 'record_key = $1 and published_at is not null',
  // the router's
  subject_holdings: "subject_kind = 'PERSON' and subject_id = $1",
  delivered_versions: "subject_kind = 'PERSON' and subject_id = $1",
};

/** The register tables among the targets: a person is held here when one of them has a row of theirs. */
const REGISTER_TABLES = ['residents', 'civil_status_records', 'secondary_residences', 'state_residents', 'idnr_base_data'];

export interface PersonErasureResult {
  /** Rows deleted per table (counts only: nothing about the person). */
  deleted: Record<string, number>;
  /** Whether this register had a key for the person (their events it sent are unreadable from now on). */
  keyErased: boolean;
}

/**
 * Erases a person from this register as the current authority, in the caller's transaction: deletes their rows and
 * the data key of their subject, and sends its tombstone to the readers of the process's outgoing topic (the router),
 * so no copy of an event this register sent about the person opens any more; and the tombstone of the person's
 * snapshot key (snapshot-sealing.ts), so no snapshot of this register published before opens their rows any more.
 */
@Injectable()
export class PersonErasure {
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly outbox: Outbox,
  ) {}

  async erase(manager: EntityManager, idnr: string): Promise<PersonErasureResult> {
    const existing = (await manager.query('select tablename from pg_tables where schemaname = current_schema() and tablename = any($1)', [Object.keys(PERSON_ERASURE_TARGETS)])) as { tablename: string }[];
    const deleted: Record<string, number> = {};
    for (const { tablename } of existing) {
      const [, count] = (await manager.query(`delete from ${tablename} where ${PERSON_ERASURE_TARGETS[tablename]}`, [idnr])) as [unknown, number];
      deleted[tablename] = count;
    }
    const keyId = await this.outbox.subjectKeys?.erase(manager, { kind: 'PERSON', id: idnr });
    // The process's one outgoing topic, whichever hosted authority erases (as the outbox sends on it).
    const outgoingTopic = outgoingTopicOf(this.options.app, this.options.instanceKey, this.options.namespace);
    await this.outbox.appendKeyErasures(manager, [
      ...(keyId ? [{ dataTopic: outgoingTopic, keyId }] : []),
      // A register's (the router has no snapshot), whether or not one was ever published: a tombstone of a key that is not there costs a record.
      ...(this.options.level ? [{ dataTopic: outgoingTopic, keyId: snapshotKeyIdOf(currentAuthority(), idnr) }] : []),
    ]);
    return { deleted, keyErased: keyId !== undefined };
  }
}

/** Whether the erasure found the person in one of the register's own tables. */
export function heldPerson({ deleted }: PersonErasureResult): boolean {
  return REGISTER_TABLES.some((table) => (deleted[table] ?? 0) > 0);
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Outbox } from '@regsync/messaging/register-messaging';
import { parcelSnapshotKeyIdOf, snapshotKeyIdOf } from '@regsync/messaging/crypto-shredding';
import { currentAuthority } from '@regsync/persistence/authority-scope';
import { RETENTION_CATALOG, type ErasureOfListedPerson } from '@regsync/register-domain/retention';
import { idnrColumnOf, PERSON_RECORD_TABLES } from '../person-record-tables';
import { type RegisterRestatement, restateIn } from '../restatement/register-restatement';
import { schemaTables } from '../schema-tables';

/**
 * The register tables whose rows are each one person's (their descriptors say so): the person is held where one of
 * them has a row of theirs. `birthRegistration`: the column of the birth registration id a birth's events (IdNrRequested,
 * BirthRecorded, IdNrAssigned) are keyed by, whose key the erasure deletes with the IdNr's.
 */
const PERSONS_OWN_TABLES = PERSON_RECORD_TABLES.flatMap((registerTable) => {
  const idnr = idnrColumnOf(registerTable);
  const birthRegistration = 'idnr' in registerTable.of ? registerTable.of.birthRegistration : undefined;
  return idnr ? [{ table: registerTable.table, rowsOfPerson: `${idnr} = $1`, birthRegistration }] : [];
});
const BIRTH_REGISTRATION_COLUMNS = new Map(PERSONS_OWN_TABLES.flatMap(({ table, birthRegistration }) => (birthRegistration ? [[table, birthRegistration] as const] : [])));

/**
 * Where a register keeps a person's rows, per table (`$1`: the IdNr): its own tables, then those every service has; a
 * table this register does not have is skipped. The transfer log stays: it records that and what was transferred
 * (fields, basis, no values) and is kept 2 years by law (§ 9 IDNrG); the outbox keeps what is still to be sent (the
 * erasure itself).
 */
export const PERSON_ERASURE_TARGETS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(PERSONS_OWN_TABLES.map(({ table, rowsOfPerson }) => [table, rowsOfPerson])),
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

/**
 * Rows that list the person among others (a parcel's owners): the retention catalog says what their erasure does there,
 * one statement per kind (`$1`: the IdNr; the lists are jsonb arrays of IdNrs), returning each row's subject and the
 * persons it still lists.
 */
const LISTED_PERSON_ERASURES = RETENTION_CATALOG.flatMap(({ table, erasure }) => (erasure ? [{ table, subjectKind: erasure.subject.kind, statement: listedPersonErasure(table, erasure) }] : []));

function listedPersonErasure(table: string, erasure: ErasureOfListedPerson): string {
  const listed = `${erasure.column} @> jsonb_build_array($1::text)`;
  const returning = `returning ${erasure.subject.column} as subject_id, ${erasure.column} as listed`;
  return erasure.kind === 'removed-from-list'
    ? `update ${table} set ${erasure.column} = ${erasure.column} - $1::text where ${listed} ${returning}`
    : `update ${table} set ${erasure.column} = ${erasure.column} - $1::text, ${erasure.keptIn} = ${erasure.keptIn} || jsonb_build_array($1::text) where ${listed} ${returning}`;
}

/** A row that listed the erased person: its subject and the persons it lists now. */
interface UnlistedRow {
  subject_id: string;
  listed: string[];
}

/** What caused the erasure here, carried by the restatements of the subjects it re-keys. */
export interface ErasureCause {
  correlationId: string;
  /** The agency that erased (PersonErased's requestedBy). */
  requestedBy: string;
}

/** Restatements (drift repair, register-restatement.ts) the erasure uses to restate a subject it re-keyed. */
export const ERASURE_RESTATEMENTS = Symbol('ERASURE_RESTATEMENTS');

export interface PersonErasureResult {
  /** Rows deleted per table (counts only: nothing about the person). */
  deleted: Record<string, number>;
  /** Rows per table whose list of persons the erasure changed (removed, or kept but no longer transferred). */
  unlisted: Record<string, number>;
  /** Whether this register had a key for the person (their events it sent are unreadable from now on). */
  keyErased: boolean;
  /**
   * Subjects whose events named the person (a parcel they owned) and which this register sends events about: their
   * key is deleted (every event sent before is unreadable), and their current state restated under a new key.
   */
  rekeyed: number;
}

/**
 * Erases a person from this register as the current authority, in the caller's transaction: deletes their rows and
 * the data key of their subject (and of their birth registration where a register keeps it: a birth's events are keyed by it), and sends its tombstone to the readers of the process's outgoing topic (the router),
 * so no copy of an event this register sent about the person opens any more; and the tombstone of the person's
 * snapshot key (snapshot-sealing.ts), so no snapshot of this register published before opens their rows any more.
 */
@Injectable()
export class PersonErasure {
  constructor(
    private readonly outbox: Outbox,
    @Optional() @Inject(ERASURE_RESTATEMENTS) private readonly restatements: readonly RegisterRestatement[] = [],
  ) {}

  async erase(manager: EntityManager, idnr: string, cause: ErasureCause): Promise<PersonErasureResult> {
    const existing = await schemaTables(manager);
    const deleted: Record<string, number> = {};
    const births = new Set<string>();
    for (const table of Object.keys(PERSON_ERASURE_TARGETS).filter((candidate) => existing.has(candidate))) {
      const birthRegistration = BIRTH_REGISTRATION_COLUMNS.get(table);
      const returning = birthRegistration ? ` returning ${birthRegistration} as birth_registration_id` : '';
      // A delete's result is [rows, count].
      const [rows, count] = (await manager.query(`delete from ${table} where ${PERSON_ERASURE_TARGETS[table]}${returning}`, [idnr])) as [{ birth_registration_id?: string | null }[], number];
      deleted[table] = count;
      if (birthRegistration) rows.forEach(({ birth_registration_id: birth }) => birth && births.add(birth));
    }
    const unlisted: Record<string, number> = {};
    let rekeyed = 0;
    for (const { table, subjectKind, statement } of LISTED_PERSON_ERASURES.filter((candidate) => existing.has(candidate.table))) {
      const [rows] = (await manager.query(statement, [idnr])) as [UnlistedRow[], number];
      unlisted[table] = rows.length;
      rekeyed += await this.rekey(manager, idnr, subjectKind, rows, cause);
    }
    const subjects = [idnr, ...births];
    const erasedKeys = await this.outbox.shredKeys(manager, subjects.map((id) => ({ subject: { kind: 'PERSON', id }, snapshotKeyId: snapshotKeyIdOf(currentAuthority(), id) })));
    return { deleted, unlisted, keyErased: erasedKeys.length > 0, rekeyed };
  }

  /**
   * Re-keys the subjects of the rows that listed the person: deletes the key of each this register sent events about
   * (tombstoned, so no copy of them opens: the router withdraws its deliveries' keys when the subject's next event
   * comes sealed with another key), withdraws the snapshot key of the row as it listed them, and restates the subject
   * without them under a new key, where this register restates such subjects. Returns how many it re-keyed.
   */
  private async rekey(manager: EntityManager, idnr: string, kind: 'PARCEL', rows: readonly UnlistedRow[], cause: ErasureCause): Promise<number> {
    await this.outbox.shredKeys(manager, rows.map(({ subject_id: id, listed }) => ({ subject: { kind, id }, snapshotKeyId: parcelSnapshotKeyIdOf(currentAuthority(), id, [...listed, idnr]) })));
    const restatement = this.restatements.find((candidate) => candidate.subjectKind === kind);
    if (restatement && rows.length > 0) await restateIn(manager, this.outbox, restatement, rows.map(({ subject_id }) => subject_id), cause);
    return rows.length;
  }
}

/** Whether the erasure found the person in one of the register's own tables. */
export function heldPerson({ deleted }: PersonErasureResult): boolean {
  return PERSONS_OWN_TABLES.some(({ table }) => (deleted[table] ?? 0) > 0);
}

import { RETENTION_CATALOG, type RetentionRule } from '@regsync/register-domain/retention';
import { idnrColumnOf, PERSON_RECORD_TABLES, type PersonRecordTable } from '../person-record-tables';

/**
 * Where each table records the event that starts its retention (retention-catalog.ts says which event and how long):
 * a SQL expression of the instant, null while no period runs.
 */
export interface RetentionTarget {
  startedAt: string;
  /** The column holding the person's IdNr, when other tables keep records `with-person-record` of this one. */
  personIdnr?: string;
}

/** The technical tables every service has (they are no register): where each records the start of its period. */
const TECHNICAL_TARGETS: Readonly<Record<string, RetentionTarget>> = {
  transfer_log: { startedAt: 'transferred_at' },
  regsync_idempotency_keys: { startedAt: 'created_at' },
  regsync_outbox: { startedAt: 'published_at' },
  regsync_inbox: { startedAt: 'processed_at' },
};

/** Where the table of a rule records the start of its period: a technical table's, or a register table's descriptor's. */
export function retentionTargetOf({ table, recordKind }: RetentionRule): RetentionTarget | undefined {
  if (TECHNICAL_TARGETS[table]) return TECHNICAL_TARGETS[table];
  for (const registerTable of PERSON_RECORD_TABLES.filter((candidate) => candidate.table === table)) {
    const record = registerTable.records.find((candidate) => candidate.recordKind === recordKind);
    if (record) return { startedAt: record.where ? `case when ${record.where} then ${record.startedAt} end` : record.startedAt, personIdnr: idnrColumnOf(registerTable) };
  }
  return undefined;
}

/**
 * The records kept `with-person-record`: which of their rows belong to the persons deleted, given as parallel arrays
 * of authority keys (`$1`) and IdNrs (`$2`): the same IdNr of another hosted authority is another person's record.
 */
const OF_DELETED_PERSONS = (idnrColumn: string) => `(authority_key, ${idnrColumn}) in (select * from unnest($1::text[], $2::text[]))`;

export const PERSON_RECORD_DEPENDENTS: Readonly<Record<string, string>> = {
  information_blocks: OF_DELETED_PERSONS('idnr'),
  information_block_audit: OF_DELETED_PERSONS('idnr'),
  regsync_applied_version: `subject_kind = 'PERSON' and ${OF_DELETED_PERSONS('subject_id')}`,
};

/**
 * Where a person's records are, for the cockpit's "kept until" and for the sender's key of the person: per table and
 * kind of record (retention-catalog.ts), the rows of the subjects `$1` (text[]: IdNrs, or the birth registration ids a
 * birth's events are keyed by) with the subject each belongs to, the register that keeps it and the instant its
 * period started (null: none runs).
 */
export interface PersonRecordLookup {
  table: string;
  recordKind: string;
  /** SQL: one row per record and subject, columns `subject_id`, `register` and `started_at`. */
  sql: string;
}

/** `from`: the table (or rows); `register`: SQL of the register keeping the row; `matches`: when a row is a record of the subject `wanted.subject_id`. */
const ofPersons = (from: string, register: string, startedAt: string, matches: string, where = 'true') =>
  `select wanted.subject_id, ${register} as register, ${startedAt} as started_at
   from ${from} join unnest($1::text[]) as wanted (subject_id) on ${matches} where ${where}`;
/** A table that lists persons (a parcel's owners): one row per listed IdNr (`owner.idnr`), so a page of subjects is one hash join, not a scan each. */
const ownersOf = (table: string, owners: readonly string[]) => `${table} cross join jsonb_array_elements_text(${owners.join(' || ')}) as owner (idnr)`;

function lookupsOf(registerTable: PersonRecordTable): PersonRecordLookup[] {
  const { table, register, of, records } = registerTable;
  const [from, matches] =
    'listedIn' in of ? [ownersOf(table, of.listedIn), 'wanted.subject_id = owner.idnr'] : [table, of.birthRegistration ? `wanted.subject_id in (${of.idnr}, ${of.birthRegistration})` : `wanted.subject_id = ${of.idnr}`];
  return records.map(({ recordKind, startedAt, where }) => ({ table, recordKind, sql: ofPersons(from, `'${register}'::text`, startedAt, matches, where) }));
}

/** In the order of the retention catalog (the cockpit lists them so). */
const catalogOrder = ({ table, recordKind }: PersonRecordLookup) => RETENTION_CATALOG.findIndex((rule) => rule.table === table && rule.recordKind === recordKind);

export const PERSON_RECORD_LOOKUPS: readonly PersonRecordLookup[] = [
  ...PERSON_RECORD_TABLES.flatMap(lookupsOf),
  { table: 'transfer_log', recordKind: 'transfer log entry', sql: ofPersons('transfer_log', 'recipient_register', TECHNICAL_TARGETS.transfer_log.startedAt, 'wanted.subject_id = idnr') },
].sort((one, other) => catalogOrder(one) - catalogOrder(other));

/**
 * Where each table records the event that starts its retention (retention-catalog.ts says which event and how long):
 * a SQL expression of the instant, null while no period runs. Dates are calendar days, read as UTC midnight.
 */
export interface RetentionTarget {
  startedAt: string;
  /** The column holding the person's IdNr, when other tables keep records `with-person-record` of this one. */
  personIdnr?: string;
}

const utcDay = (date: string) => `(${date})::timestamp at time zone 'UTC'`;

export const RETENTION_TARGETS: Readonly<Record<string, RetentionTarget>> = {
  residents: { startedAt: `case when status in ('MOVED_OUT', 'DECEASED') then ${utcDay('least(moved_out_on, date_of_death)')} end`, personIdnr: 'idnr' },
  secondary_residences: { startedAt: `case when moved_out_on is not null then ${utcDay('moved_out_on')} end`, personIdnr: 'idnr' },
  state_residents: { startedAt: `case when status in ('MOVED_AWAY', 'DECEASED') then ${utcDay('least(moved_away_on, date_of_death)')} end`, personIdnr: 'idnr' },
  idnr_base_data: { startedAt: `case when status = 'DECEASED' then ${utcDay('date_of_death')} end`, personIdnr: 'idnr' },
  transfer_log: { startedAt: 'transferred_at' },
  regsync_idempotency_keys: { startedAt: 'created_at' },
  regsync_outbox: { startedAt: 'published_at' },
  regsync_inbox: { startedAt: 'processed_at' },
};

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
const ofPersons = (from: string, register: string, startedAt: string, matches = 'wanted.subject_id = idnr', where = 'true') =>
  `select wanted.subject_id, ${register} as register, ${startedAt} as started_at
   from ${from} join unnest($1::text[]) as wanted (subject_id) on ${matches} where ${where}`;
const kept = (register: string) => `'${register}'::text`;
/** A table that lists persons (a parcel's owners): one row per listed IdNr (`owner.idnr`), so a page of subjects is one hash join, not a scan each. */
const ownersOf = (table: string, owners: string) => `${table} cross join jsonb_array_elements_text(${owners}) as owner (idnr)`;
const BY_IDNR_OR_BIRTH_REGISTRATION = 'wanted.subject_id in (idnr, birth_registration_id)';

export const PERSON_RECORD_LOOKUPS: readonly PersonRecordLookup[] = [
  { table: 'residents', recordKind: 'resident', sql: ofPersons('residents', kept('MELDEREGISTER'), RETENTION_TARGETS.residents.startedAt, BY_IDNR_OR_BIRTH_REGISTRATION) },
  { table: 'secondary_residences', recordKind: 'Nebenwohnung', sql: ofPersons('secondary_residences', kept('MELDEREGISTER'), RETENTION_TARGETS.secondary_residences.startedAt) },
  { table: 'state_residents', recordKind: 'resident of the Land', sql: ofPersons('state_residents', kept('LANDESMELDEREGISTER'), RETENTION_TARGETS.state_residents.startedAt) },
  // The BZSt's IdNrAssigned is keyed by the newborn's birth registration id, which the base data keep beside the IdNr.
  { table: 'idnr_base_data', recordKind: 'base data of an IdNr', sql: ofPersons('idnr_base_data', kept('IDNR_BASISDATEN'), RETENTION_TARGETS.idnr_base_data.startedAt, BY_IDNR_OR_BIRTH_REGISTRATION) },
  {
    table: 'civil_status_records',
    recordKind: 'birth entry (Geburtenregister)',
    sql: ofPersons('civil_status_records', kept('PERSONENSTANDSREGISTER'), utcDay('date_of_birth'), BY_IDNR_OR_BIRTH_REGISTRATION, 'birth_registration_id is not null'),
  },
  {
    table: 'civil_status_records',
    recordKind: 'marriage or name entry (Eheregister)',
    sql: `select subject_id, register, started_at from (${ofPersons(
      'civil_status_records',
      kept('PERSONENSTANDSREGISTER'),
      `(select ${utcDay("min((entry->>'effectiveOn')::date)")} from jsonb_array_elements(name_history) entry where entry->>'reason' <> 'BIRTH')`,
      BY_IDNR_OR_BIRTH_REGISTRATION,
    )}) entries where started_at is not null`,
  },
  {
    table: 'civil_status_records',
    recordKind: 'death entry (Sterberegister)',
    sql: ofPersons('civil_status_records', kept('PERSONENSTANDSREGISTER'), utcDay('date_of_death'), BY_IDNR_OR_BIRTH_REGISTRATION, "status = 'DECEASED'"),
  },
  {
    table: 'property_tax_entries',
    recordKind: 'parcel on the roll (owner IdNrs, area, usage)',
    sql: ofPersons(ownersOf('property_tax_entries', 'owner_idnrs'), kept('GRUNDSTEUER'), 'null::timestamptz', 'wanted.subject_id = owner.idnr'),
  },
  {
    table: 'parcels',
    recordKind: 'parcel (Flurstück) with its owners',
    sql: ofPersons(ownersOf('parcels', 'owner_idnrs || erased_owner_idnrs'), kept('LIEGENSCHAFTSKATASTER'), 'null::timestamptz', 'wanted.subject_id = owner.idnr'),
  },
  { table: 'transfer_log', recordKind: 'transfer log entry', sql: ofPersons('transfer_log', 'recipient_register', RETENTION_TARGETS.transfer_log.startedAt) },
];

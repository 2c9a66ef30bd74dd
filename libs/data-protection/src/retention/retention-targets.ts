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
 * Where a person's records are, for the cockpit's "kept until": per table and kind of record (retention-catalog.ts),
 * the rows of the IdNr `$1` with the register that keeps each and the instant its period started (null: none runs).
 */
export interface PersonRecordLookup {
  table: string;
  recordKind: string;
  /** SQL: one row per record, columns `register` and `started_at`. */
  sql: string;
}

const ofPerson = (table: string, register: string, startedAt: string, where = 'idnr = $1') =>
  `select '${register}'::text as register, ${startedAt} as started_at from ${table} where ${where}`;

export const PERSON_RECORD_LOOKUPS: readonly PersonRecordLookup[] = [
  { table: 'residents', recordKind: 'resident', sql: ofPerson('residents', 'MELDEREGISTER', RETENTION_TARGETS.residents.startedAt) },
  { table: 'secondary_residences', recordKind: 'Nebenwohnung', sql: ofPerson('secondary_residences', 'MELDEREGISTER', RETENTION_TARGETS.secondary_residences.startedAt) },
  { table: 'state_residents', recordKind: 'resident of the Land', sql: ofPerson('state_residents', 'LANDESMELDEREGISTER', RETENTION_TARGETS.state_residents.startedAt) },
  { table: 'idnr_base_data', recordKind: 'base data of an IdNr', sql: ofPerson('idnr_base_data', 'IDNR_BASISDATEN', RETENTION_TARGETS.idnr_base_data.startedAt) },
  {
    table: 'civil_status_records',
    recordKind: 'birth entry (Geburtenregister)',
    sql: ofPerson('civil_status_records', 'PERSONENSTANDSREGISTER', utcDay('date_of_birth'), 'idnr = $1 and birth_registration_id is not null'),
  },
  {
    table: 'civil_status_records',
    recordKind: 'marriage or name entry (Eheregister)',
    sql: `select register, started_at from (${ofPerson(
      'civil_status_records',
      'PERSONENSTANDSREGISTER',
      `(select ${utcDay("min((entry->>'effectiveOn')::date)")} from jsonb_array_elements(name_history) entry where entry->>'reason' <> 'BIRTH')`,
    )}) entries where started_at is not null`,
  },
  { table: 'civil_status_records', recordKind: 'death entry (Sterberegister)', sql: ofPerson('civil_status_records', 'PERSONENSTANDSREGISTER', utcDay('date_of_death'), "idnr = $1 and status = 'DECEASED'") },
  { table: 'property_tax_entries', recordKind: 'parcel on the roll (owner IdNrs, area, usage)', sql: ofPerson('property_tax_entries', 'GRUNDSTEUER', 'null::timestamptz', 'owner_idnrs ? $1') },
  { table: 'parcels', recordKind: 'parcel (Flurstück) with its owners', sql: ofPerson('parcels', 'LIEGENSCHAFTSKATASTER', 'null::timestamptz', '(owner_idnrs ? $1 or erased_owner_idnrs ? $1)') },
  { table: 'transfer_log', recordKind: 'transfer log entry', sql: `select recipient_register as register, ${RETENTION_TARGETS.transfer_log.startedAt} as started_at from transfer_log where idnr = $1` },
];

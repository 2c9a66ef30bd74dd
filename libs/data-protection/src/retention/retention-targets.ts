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

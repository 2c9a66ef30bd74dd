import { PERSON_RESIDENCE_FIELDS, type RegisterSnapshotSource } from '@regsync/observability/register-drift-check';

/**
 * The IdNr base data in the ops dashboard's drift check: a replica, for every IdNr, of the names and, while the
 * person is alive, of the current address and move-in date (what the routing catalog lets the BZSt receive of a
 * ResidenceRegistered; no previous address).
 */
export function baseDataDrift(): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'person.residence',
      register: 'IDNR_BASISDATEN',
      authoritative: false,
      sql: `
        select idnr as subject_id,
               ${PERSON_RESIDENCE_FIELDS}
        from idnr_base_data
        where status = 'ALIVE'`,
    },
    {
      dataset: 'person.names',
      register: 'IDNR_BASISDATEN',
      authoritative: false,
      sql: `
        select idnr as subject_id, family_name, given_names
        from idnr_base_data`,
    },
  ];
}

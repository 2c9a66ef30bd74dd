import { PERSON_RESIDENCE_FIELDS, type RegisterSnapshotSource } from '@regsync/observability/register-drift-check';

/** The residents whose current address this Melderegister is authoritative for (also what it restates in a repair). */
export const CURRENT_RESIDENTS = "status = 'RESIDENT' and idnr is not null";

/**
 * The Melderegister in the ops dashboard's drift check: authoritative for the current address of its registered
 * residents (a person who moved away is returned by the new municipality only), and a replica of the names its own
 * Standesamt certifies (civil-status.drift.ts) for everyone whose last registration is here: a former resident
 * marked deceased (moved_out_to set) is the new municipality's.
 */
export function residentsDrift(municipalityKey: string): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'person.residence',
      register: 'MELDEREGISTER',
      authoritative: true,
      sql: `
        select idnr as subject_id, address->>'municipalityKey' as scope,
               ${PERSON_RESIDENCE_FIELDS}
        from residents
        where ${CURRENT_RESIDENTS}`,
    },
    {
      dataset: 'person.names',
      register: 'MELDEREGISTER',
      authoritative: false,
      replicaScope: municipalityKey,
      sql: `
        select idnr as subject_id, family_name, given_names
        from residents
        where moved_out_to is null and idnr is not null`,
    },
  ];
}

import { PERSON_RESIDENCE_FIELDS, type RegisterSnapshotSource } from '@regsync/observability/register-drift-check';

/**
 * The Landesmelderegister in the ops dashboard's drift check: a replica of the address of everyone registered in
 * the Land's municipalities, and of the names of everyone registered or deceased there (not those who moved away,
 * even if the Land later marked them deceased: their names are kept current in the Land they moved to).
 */
export function stateResidentsDrift(land: string): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'person.residence',
      register: 'LANDESMELDEREGISTER',
      authoritative: false,
      replicaScope: land,
      sql: `
        select idnr as subject_id,
               ${PERSON_RESIDENCE_FIELDS}
        from state_residents
        where status = 'RESIDENT'`,
    },
    {
      dataset: 'person.names',
      register: 'LANDESMELDEREGISTER',
      authoritative: false,
      replicaScope: land,
      sql: `
        select idnr as subject_id, family_name, given_names
        from state_residents
        where moved_away_to is null`,
    },
  ];
}

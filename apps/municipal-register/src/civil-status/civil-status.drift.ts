import type { RegisterSnapshotSource } from '@regsync/observability/register-snapshot-source';

/**
 * The Personenstandsregister in the ops dashboard's drift check: authoritative for the names of the persons registered
 * in this municipality (residents and the deceased, not those who moved away), whose Standesamt records their name
 * changes. A newborn's birth record knows the IdNr only through the Melderegister (birth registration id); a person
 * the Standesamt has no record of keeps the name of the Anmeldung, so every registered person has one expected name.
 * Where a person has two records (the birth record and one started later by IdNr), the one found by IdNr counts,
 * as for GET /civil-status/{idnr}.
 */
export function civilStatusDrift(): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'person.names',
      register: 'PERSONENSTANDSREGISTER',
      authoritative: true,
      sql: `
        select distinct on (r.idnr) r.idnr as subject_id, r.address->>'municipalityKey' as scope,
               coalesce(c.family_name, r.family_name) as family_name, coalesce(c.given_names, r.given_names) as given_names
        from residents r
        left join civil_status_records c
          on c.idnr = r.idnr or (c.idnr is null and c.birth_registration_id = r.birth_registration_id)
        where r.status <> 'MOVED_OUT' and r.idnr is not null
        order by r.idnr, c.idnr is null, c.updated_at desc`,
    },
  ];
}

import type { RegisterSnapshotSource } from '@regsync/observability/register-drift-check';

/** The persons whose names this Standesamt certifies, as a condition on `residents r`. */
export const CERTIFIED_PERSONS = 'r.moved_out_to is null and r.idnr is not null';

/** Their current names (also what the Standesamt restates in a repair): subject_id, scope, family_name, given_names. */
export const CERTIFIED_NAMES = `
  select r.idnr as subject_id, r.address->>'municipalityKey' as scope,
         coalesce(c.family_name, r.family_name) as family_name, coalesce(c.given_names, r.given_names) as given_names
  from residents r
  left join civil_status_records c on c.idnr = r.idnr and c.authority_key = r.authority_key
  where ${CERTIFIED_PERSONS}`;

/**
 * The Personenstandsregister in the ops dashboard's drift check: authoritative for the names of the persons whose
 * last registration is in this municipality (residents and those who died here, not former residents, even deceased
 * ones), whose Standesamt records their name changes. A person the Standesamt has no record of keeps the name of the
 * Anmeldung, so every registered person has one expected name. One record per person: a birth record carries the
 * IdNr since its assignment (birth-record-idnr.ts).
 */
export function civilStatusDrift(): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'person.names',
      register: 'PERSONENSTANDSREGISTER',
      authoritative: true,
      sql: CERTIFIED_NAMES,
    },
  ];
}

import type { EntityManager } from 'typeorm';
import type { ResidenceRegisteredJson } from './baseline-topology';

type ResidentFields = Omit<ResidenceRegisteredJson, 'eventId' | 'occurredAt' | 'previousAddress'>;

/**
 * One statement, the register write of every baseline service: insert or update the person by IdNr and count the
 * application, so a redelivered event shows as applied_count 2.
 */
export async function upsertBaselineResident(manager: EntityManager, resident: ResidentFields): Promise<void> {
  const { street, houseNumber, postalCode, city, municipalityKey } = resident.address;
  await manager.query(
    `insert into baseline_resident (idnr, family_name, given_names, sex, date_of_birth, street, house_number, postal_code, city,
       municipality_key, moved_in_on, dwelling_status, correlation_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict (idnr) do update set family_name = excluded.family_name, given_names = excluded.given_names, sex = excluded.sex,
       street = excluded.street, house_number = excluded.house_number, postal_code = excluded.postal_code, city = excluded.city,
       municipality_key = excluded.municipality_key, moved_in_on = excluded.moved_in_on, dwelling_status = excluded.dwelling_status,
       correlation_id = excluded.correlation_id, applied_at = now(), applied_count = baseline_resident.applied_count + 1`,
    [
      resident.idnr, resident.familyName, resident.givenNames, resident.sex, resident.dateOfBirth.slice(0, 10), street, houseNumber, postalCode, city,
      municipalityKey, resident.movedInOn.slice(0, 10), resident.dwellingStatus, resident.correlationId,
    ],
  );
}

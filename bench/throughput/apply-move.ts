import { EntityManager } from 'typeorm';

/** The fields of a ResidenceRegistered the Melderegister keeps; JSON (b) carries dates as ISO strings, Avro (c) as Dates. */
export interface MoveFields {
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: string;
  dateOfBirth: Date | string;
  movedInOn: Date | string;
  address: { street: string; houseNumber: string; postalCode: string; city: string; municipalityKey: string };
}

const isoDate = (value: Date | string) => new Date(value).toISOString().slice(0, 10);

/**
 * The register write of one move, identical in (b) and (c): upsert the resident and count the move, so a duplicate
 * effect shows as one move too many.
 */
export async function applyMove(manager: EntityManager, move: MoveFields): Promise<void> {
  const { street, houseNumber, postalCode, city, municipalityKey } = move.address;
  await manager.query(
    `insert into bench_resident (idnr, family_name, given_names, sex, date_of_birth, street, house_number, postal_code, city, municipality_key, moved_in_on, moves_applied)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)
     on conflict (idnr) do update set family_name = excluded.family_name, given_names = excluded.given_names, street = excluded.street,
       house_number = excluded.house_number, postal_code = excluded.postal_code, city = excluded.city,
       municipality_key = excluded.municipality_key, moved_in_on = excluded.moved_in_on, moves_applied = bench_resident.moves_applied + 1`,
    [move.idnr, move.familyName, move.givenNames, move.sex, isoDate(move.dateOfBirth), street, houseNumber, postalCode, city, municipalityKey, isoDate(move.movedInOn)],
  );
}

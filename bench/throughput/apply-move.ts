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

const COLUMNS = 'idnr, family_name, given_names, sex, date_of_birth, street, house_number, postal_code, city, municipality_key, moved_in_on, moves_applied';
// By the primary key's name: (idnr) in the baseline's table, (authority_key, idnr) in the regsync bench's (isolated).
const ON_CONFLICT = `on conflict on constraint bench_resident_pkey do update set family_name = excluded.family_name, given_names = excluded.given_names, street = excluded.street,
  house_number = excluded.house_number, postal_code = excluded.postal_code, city = excluded.city,
  municipality_key = excluded.municipality_key, moved_in_on = excluded.moved_in_on, moves_applied = bench_resident.moves_applied + 1`;

const isoDate = (value: Date | string) => new Date(value).toISOString().slice(0, 10);

/**
 * The register write of one move, identical in (b) and (c): upsert the resident and count the move, so a duplicate
 * effect shows as one move too many.
 */
export async function applyMove(manager: EntityManager, move: MoveFields): Promise<void> {
  const { street, houseNumber, postalCode, city, municipalityKey } = move.address;
  await manager.query(
    `insert into bench_resident (${COLUMNS})
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)
     ${ON_CONFLICT}`,
    [move.idnr, move.familyName, move.givenNames, move.sex, isoDate(move.dateOfBirth), street, houseNumber, postalCode, city, municipalityKey, isoDate(move.movedInOn)],
  );
}

/**
 * The same write as `applyMove` for many moves, in order, with one multi-row statement. A statement can upsert a
 * row only once, so a person's second move in `moves` goes into the next statement (usually there is just one).
 */
export async function applyMoves(manager: EntityManager, moves: readonly MoveFields[]): Promise<void> {
  let pending = moves;
  while (pending.length > 0) {
    const seen = new Set<string>();
    const now: MoveFields[] = [];
    const later: MoveFields[] = [];
    for (const move of pending) {
      if (seen.has(move.idnr)) later.push(move);
      else {
        seen.add(move.idnr);
        now.push(move);
      }
    }
    await manager.query(
      `insert into bench_resident (${COLUMNS})
       select *, 1 from unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::date[], $6::varchar[], $7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::date[])
       ${ON_CONFLICT}`,
      [
        now.map((move) => move.idnr),
        now.map((move) => move.familyName),
        now.map((move) => move.givenNames),
        now.map((move) => move.sex),
        now.map((move) => isoDate(move.dateOfBirth)),
        now.map((move) => move.address.street),
        now.map((move) => move.address.houseNumber),
        now.map((move) => move.address.postalCode),
        now.map((move) => move.address.city),
        now.map((move) => move.address.municipalityKey),
        now.map((move) => isoDate(move.movedInOn)),
      ],
    );
    pending = later;
  }
}

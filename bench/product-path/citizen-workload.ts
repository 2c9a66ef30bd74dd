import { generateIdnr } from '@regsync/register-domain/identifiers';
import { seededRandom } from '../seeded-random';

/**
 * One citizen action as an agency's backend submits it: which instance, which body, which correlation id. A parcel
 * change goes to the cadastre of the municipality's Land, every other action to the municipality.
 */
export interface CitizenAction {
  kind: 'registration' | 'move within a Land' | 'move across Länder' | 'birth' | 'name change' | 'death' | 'parcel change';
  municipalityKey: string;
  correlationId: string;
  body: Record<string, unknown>;
}

interface Municipality {
  ags: string;
  city: string;
  postalCode: string;
  streets: readonly string[];
}

/** The municipalities of the local topology (deploy/local/topology.json), with real postal codes and streets. */
export const MUNICIPALITIES: readonly Municipality[] = [
  { ags: '03404000', city: 'Osnabrück', postalCode: '49074', streets: ['Große Straße', 'Lotter Straße', 'Hasestraße'] },
  { ags: '03241001', city: 'Hannover', postalCode: '30159', streets: ['Georgstraße', 'Lister Meile', 'Königstraße'] },
  { ags: '14612000', city: 'Dresden', postalCode: '01099', streets: ['Königsbrücker Straße', 'Alaunstraße', 'Bautzner Straße'] },
  { ags: '14713000', city: 'Leipzig', postalCode: '04109', streets: ['Karl-Liebknecht-Straße', 'Petersstraße', 'Grimmaische Straße'] },
];

const FAMILY_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Çelik', 'Nowak'];
const GIVEN_NAMES = ['Anna', 'Lukas', 'Mia', 'Leon', 'Emma', 'Paul', 'Sophie', 'Jonas', 'Zoë', 'Noah', 'José', 'Renée'];

/**
 * `persons` citizens, each first registered in one municipality (an Anmeldung without previous address), then moving
 * to another, half of them across the Länder. Correlation ids carry the run's prefix, so each action is found by identity.
 */
export function citizenWorkload(persons: number, seed: number, prefix: string): { registrations: CitizenAction[]; moves: CitizenAction[] } {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[random(items.length)];
  const addressIn = (municipality: Municipality) => ({
    street: pick(municipality.streets),
    houseNumber: String(1 + random(120)),
    postalCode: municipality.postalCode,
    city: municipality.city,
    municipalityKey: municipality.ags,
  });
  const registrations: CitizenAction[] = [];
  const moves: CitizenAction[] = [];
  const idnrs = new Set<string>();
  for (let index = 0; index < persons; index++) {
    let idnr = generateIdnr(random);
    while (idnrs.has(idnr)) idnr = generateIdnr(random);
    idnrs.add(idnr);
    const person = {
      idnr,
      familyName: pick(FAMILY_NAMES),
      givenNames: pick(GIVEN_NAMES),
      sex: pick(['FEMALE', 'MALE', 'DIVERSE']),
      dateOfBirth: `${1950 + random(55)}-0${1 + random(9)}-1${random(10)}`,
    };
    const from = pick(MUNICIPALITIES);
    const candidates = MUNICIPALITIES.filter((municipality) => municipality !== from && (index % 2 === 0) === (municipality.ags.slice(0, 2) === from.ags.slice(0, 2)));
    const to = pick(candidates);
    const previousAddress = addressIn(from);
    registrations.push({
      kind: 'registration',
      municipalityKey: from.ags,
      correlationId: `${prefix}-r-${index}`,
      body: { ...person, address: previousAddress, movedInOn: '2020-04-01', previousAddress: null },
    });
    moves.push({
      kind: index % 2 === 0 ? 'move within a Land' : 'move across Länder',
      municipalityKey: to.ags,
      correlationId: `${prefix}-m-${index}`,
      body: { ...person, address: addressIn(to), movedInOn: '2026-11-02', previousAddress },
    });
  }
  return { registrations, moves };
}

import { randomUUID } from 'node:crypto';
import { Address, EventPayload, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { seededRandom } from '../seeded-random';

/** One move (Umzug) of the workload: the Anmeldung at the new municipality, as the move flow sends it. */
export interface MoveEvent {
  idnr: string;
  /** 1-based count of this person's moves in the workload; equals the subject version the outbox assigns. */
  move: number;
  payload: EventPayload<'ResidenceRegistered'>;
}

const FAMILY_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch'];
const GIVEN_NAMES = ['Anna Luise', 'Jonas', 'Marie', 'Lukas Alexander', 'Sophie', 'Maximilian', 'Emilia', 'Paul', 'Hannah Charlotte', 'Felix'];
const STREETS = ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Lindenstraße', 'Am Markt'];
const MUNICIPALITIES = [
  { municipalityKey: '03404000', city: 'Osnabrück', postalCode: '49074' },
  { municipalityKey: '03241001', city: 'Hannover', postalCode: '30159' },
  { municipalityKey: '14612000', city: 'Dresden', postalCode: '01067' },
  { municipalityKey: '14713000', city: 'Leipzig', postalCode: '04109' },
];
const MILLIS_PER_DAY = 86_400_000;
const SEXES = ['FEMALE', 'MALE', 'DIVERSE', 'UNSPECIFIED'] as const;

/** The sending Meldebehörde of every move: the municipality the person moves to (Dresden). */
export const DESTINATION_MUNICIPALITY = MUNICIPALITIES[2];

function address(random: (max: number) => number, municipality = MUNICIPALITIES[random(MUNICIPALITIES.length)]): Address {
  return { street: STREETS[random(STREETS.length)], houseNumber: `${1 + random(180)}${random(5) === 0 ? 'a' : ''}`, ...municipality };
}

/**
 * `count` moves to Dresden of `ceil(count / movesPerPerson)` distinct people (each moves `movesPerPerson` times, interleaved,
 * so one subject's events are spread over the run like real traffic), deterministic for a given seed. Lazy, so a
 * million events never sit in memory at once.
 */
export function* moveWorkload(count: number, seed = 8, movesPerPerson = 2): Generator<MoveEvent> {
  const random = seededRandom(seed);
  const people = Math.ceil(count / movesPerPerson);
  const seen = new Set<string>();
  const persons: { idnr: string; familyName: string; givenNames: string; sex: (typeof SEXES)[number]; dateOfBirth: Date; home: Address }[] = [];
  while (persons.length < people) {
    const idnr = generateIdnr(random);
    if (seen.has(idnr)) continue;
    seen.add(idnr);
    persons.push({
      idnr,
      familyName: FAMILY_NAMES[random(FAMILY_NAMES.length)],
      givenNames: GIVEN_NAMES[random(GIVEN_NAMES.length)],
      sex: SEXES[random(SEXES.length)],
      dateOfBirth: new Date(Date.UTC(1940 + random(80), random(12), 1 + random(28))),
      home: address(random),
    });
  }
  for (let index = 0; index < count; index++) {
    const person = persons[index % people];
    const next = address(random, DESTINATION_MUNICIPALITY);
    const previous = person.home;
    person.home = next;
    yield {
      idnr: person.idnr,
      move: Math.floor(index / people) + 1,
      payload: {
        idnr: person.idnr,
        familyName: person.familyName,
        givenNames: person.givenNames,
        sex: person.sex,
        dateOfBirth: person.dateOfBirth,
        address: next,
        movedInOn: new Date(Math.floor(Date.UTC(2025, 0, 1) / MILLIS_PER_DAY + random(365)) * MILLIS_PER_DAY),
        previousAddress: previous,
        dwellingStatus: 'HAUPTWOHNUNG',
      },
    };
  }
}

/** The full event as a sender without an outbox would build it (raw and naive pipelines). */
export function moveEvent(move: MoveEvent, occurredAt: Date): ResidenceRegistered {
  return {
    envelope: {
      eventId: randomUUID(),
      eventType: 'ResidenceRegistered',
      occurredAt,
      source: { level: 'MUNICIPAL', instanceKey: move.payload.address.municipalityKey, register: 'MELDEREGISTER' },
      subject: { kind: 'PERSON', id: move.idnr },
      subjectVersion: move.move,
      correlationId: randomUUID(),
      causationId: null,
      legalBasis: '§ 17 Abs. 1 BMG',
    },
    ...move.payload,
  };
}

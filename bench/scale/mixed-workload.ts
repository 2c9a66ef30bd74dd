import postalCodes from 'german-postal-codes';
import type { Parcel as CadastreParcel } from '@regsync/register-domain/register-rules';
import type { CitizenAction } from '../product-path/citizen-workload';

/** Real Postleitzahlen (the API refuses others); the synthesised municipalities have none of their own. */
const POSTAL_CODES = postalCodes as string[];
const FAMILY_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Çelik', 'Nowak'];
const GIVEN_NAMES = ['Anna', 'Lukas', 'Mia', 'Leon', 'Emma', 'Paul', 'Sophie', 'Jonas', 'Zoë', 'Noah', 'José', 'Renée'];
const STREETS = ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Lindenstraße', 'Kirchweg'];
const USAGES = ['Wohnbaufläche', 'Ackerland', 'Grünland', 'Gewerbe- und Industriefläche', 'Wald'];

type Random = (maxExclusive: number) => number;

export interface Municipality {
  instanceKey: string;
  name: string;
}

export interface Address {
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  municipalityKey: string;
}

/** A person of the sample as the municipality's existing register holds them (a row of its initial load). */
export interface LoadedResident {
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: 'FEMALE' | 'MALE';
  dateOfBirth: string;
  address: Address;
  movedInOn: string;
  previousAddress: null;
}

/** A person of the sample and what the workload did to them: at most one action each, so the end state is known. */
export interface Person {
  idnr: string;
  ags: string;
  loaded: LoadedResident;
  movedTo?: string;
  renamedTo?: string;
  died?: boolean;
}

/** A child the workload had born; its IdNr is the BZSt's to assign, learned from the Melderegister at the end. */
export interface Birth {
  correlationId: string;
  ags: string;
  familyName: string;
  birthRegistrationId?: string;
  idnr?: string;
}

/** A Flurstück as its cadastre's API takes it (the cadastre's own record less what it keeps for itself). */
export type Parcel = Pick<CadastreParcel, 'parcelId' | 'municipalityKey' | 'areaSquareMetres' | 'usage' | 'ownerIdnrs'>;

export type MoveKind = 'within a Kreis' | 'across Kreise' | 'across Länder';
export const WORKLOAD_KINDS = ['moves', 'births', 'name-changes', 'deaths', 'parcel-changes'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** `moves:50,births:10,...` → the share of each kind (missing kinds 0); refuses unknown kinds. */
export function parseMix(text: string): Record<WorkloadKind, number> {
  const mix = Object.fromEntries(WORKLOAD_KINDS.map((kind) => [kind, 0])) as Record<WorkloadKind, number>;
  for (const part of text.split(',').filter(Boolean)) {
    const [kind, share] = part.split(':');
    if (!(WORKLOAD_KINDS as readonly string[]).includes(kind) || !(Number(share) >= 0)) throw new Error(`--mix: ${part} is not <kind>:<share> with kind one of ${WORKLOAD_KINDS.join(', ')}`);
    mix[kind as WorkloadKind] = Number(share);
  }
  return mix;
}

export function loadedResident(idnr: string, municipality: Municipality, random: Random): LoadedResident {
  return {
    idnr,
    familyName: FAMILY_NAMES[random(FAMILY_NAMES.length)],
    givenNames: GIVEN_NAMES[random(GIVEN_NAMES.length)],
    sex: random(2) === 0 ? 'FEMALE' : 'MALE',
    dateOfBirth: `${1930 + random(70)}-${String(1 + random(12)).padStart(2, '0')}-${String(1 + random(28)).padStart(2, '0')}`,
    address: addressIn(municipality, random),
    movedInOn: `${2000 + random(25)}-${String(1 + random(12)).padStart(2, '0')}-01`,
    previousAddress: null,
  };
}

function addressIn(municipality: Municipality, random: Random): Address {
  return { street: STREETS[random(STREETS.length)], houseNumber: String(1 + random(200)), postalCode: POSTAL_CODES[random(POSTAL_CODES.length)], city: municipality.name, municipalityKey: municipality.instanceKey };
}

export interface WorkloadPlan {
  /** What every action's correlation id starts with. */
  correlationPrefix: string;
  /** Shuffled, so the kinds interleave as citizens come. */
  actions: CitizenAction[];
  moveKinds: Map<string, MoveKind>;
  births: Map<string, Birth>;
  /** The parcels as each cadastre records them before the workload (its initial stock), one per parcel change. */
  parcelsBefore: Parcel[];
  /** The same parcels as the workload leaves them. */
  parcelsAfter: Parcel[];
}

/**
 * `count` actions of the kinds in `mix`, each through the agency a citizen (or surveyor) would go to: moves (a third
 * each within the person's Kreis, to another Kreis of their Land, to another Land) as Anmeldungen at the new
 * municipality; births at a municipality's Standesamt; name changes (marriages) and deaths of its residents; parcel
 * changes (new owners and area) at the cadastre of the parcel's Land. Every loaded person takes part in at most one
 * action, so `persons` then say the state every register must hold. `today` is the effective date of every action.
 */
export function planMixedWorkload(input: {
  municipalities: readonly Municipality[];
  persons: Person[];
  count: number;
  mix: Record<WorkloadKind, number>;
  random: Random;
  prefix: string;
  today: string;
}): WorkloadPlan {
  const { municipalities, persons, count, mix, random, prefix, today } = input;
  const totalShare = WORKLOAD_KINDS.reduce((sum, kind) => sum + mix[kind], 0);
  const counts = Object.fromEntries(WORKLOAD_KINDS.map((kind) => [kind, Math.round((count * mix[kind]) / totalShare)])) as Record<WorkloadKind, number>;
  const byKey = new Map(municipalities.map((municipality) => [municipality.instanceKey, municipality]));
  const unused = [...persons];
  const takePerson = () => unused.splice(random(unused.length), 1)[0];
  const anyPerson = () => persons[random(persons.length)];
  const plan: WorkloadPlan = { correlationPrefix: prefix, actions: [], moveKinds: new Map(), births: new Map(), parcelsBefore: [], parcelsAfter: [] };
  let next = 0;
  const add = (kind: CitizenAction['kind'], municipalityKey: string, body: Record<string, unknown>) => {
    const correlationId = `${prefix}${next++}`;
    plan.actions.push({ kind, municipalityKey, correlationId, body });
    return correlationId;
  };

  const destinations: Record<MoveKind, (from: string) => Municipality[]> = {
    'within a Kreis': (from) => municipalities.filter((m) => m.instanceKey !== from && m.instanceKey.slice(0, 5) === from.slice(0, 5)),
    'across Kreise': (from) => municipalities.filter((m) => m.instanceKey.slice(0, 2) === from.slice(0, 2) && m.instanceKey.slice(0, 5) !== from.slice(0, 5)),
    'across Länder': (from) => municipalities.filter((m) => m.instanceKey.slice(0, 2) !== from.slice(0, 2)),
  };
  const moveKinds = Object.keys(destinations) as MoveKind[];
  for (let moved = 0, attempt = 0; moved < counts.moves && unused.length > 0; attempt++) {
    const person = takePerson();
    const kind = moveKinds[attempt % moveKinds.length];
    const candidates = destinations[kind](person.ags);
    if (candidates.length === 0) continue;
    const to = candidates[random(candidates.length)];
    person.movedTo = to.instanceKey;
    const body = { ...person.loaded, address: addressIn(to, random), movedInOn: today, previousAddress: person.loaded.address };
    plan.moveKinds.set(add(kind === 'across Länder' ? 'move across Länder' : 'move within a Land', to.instanceKey, body), kind);
    moved++;
  }

  for (let index = 0; index < counts.births; index++) {
    // born where people live: the municipality of a person of the sample
    const municipality = byKey.get(anyPerson().ags)!;
    const familyName = FAMILY_NAMES[random(FAMILY_NAMES.length)];
    const body = { familyName, givenNames: GIVEN_NAMES[random(GIVEN_NAMES.length)], sex: random(2) === 0 ? 'FEMALE' : 'MALE', dateOfBirth: today, placeOfBirth: municipality.name, residence: addressIn(municipality, random) };
    const correlationId = add('birth', municipality.instanceKey, body);
    plan.births.set(correlationId, { correlationId, ags: municipality.instanceKey, familyName });
  }

  for (let index = 0; index < counts['name-changes'] && unused.length > 0; index++) {
    const person = takePerson();
    person.renamedTo = `${person.loaded.familyName}-${FAMILY_NAMES[random(FAMILY_NAMES.length)]}`;
    add('name change', person.ags, { idnr: person.idnr, familyName: person.renamedTo, givenNames: person.loaded.givenNames, reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: today });
  }

  for (let index = 0; index < counts.deaths && unused.length > 0; index++) {
    const person = takePerson();
    person.died = true;
    add('death', person.ags, { idnr: person.idnr, dateOfDeath: today, placeOfDeath: byKey.get(person.ags)!.name });
  }

  for (let index = 0; index < counts['parcel-changes']; index++) {
    const municipalityKey = anyPerson().ags;
    // Flurstückskennzeichen: the Land, Gemarkung 9000, Flur 1, Zähler = the parcel's number, no Nenner
    const parcelId = `${municipalityKey.slice(0, 2)}9000001${String(index + 1).padStart(5, '0')}______`;
    const before: Parcel = { parcelId, municipalityKey, areaSquareMetres: 200 + random(5000), usage: USAGES[random(USAGES.length)], ownerIdnrs: [anyPerson().idnr] };
    // always two owners: the roll logs one transfer per owner's IdNr, so every change causes as many transfers
    const buyer = anyPerson().idnr;
    let coBuyer = anyPerson().idnr;
    while (coBuyer === buyer) coBuyer = anyPerson().idnr;
    const after: Parcel = { ...before, areaSquareMetres: 100 + random(before.areaSquareMetres), ownerIdnrs: [buyer, coBuyer] };
    plan.parcelsBefore.push(before);
    plan.parcelsAfter.push(after);
    add('parcel change', municipalityKey, { ...after, changeReason: 'Zerlegung und Verkauf' });
  }

  for (let index = plan.actions.length - 1; index > 0; index--) {
    const other = random(index + 1);
    [plan.actions[index], plan.actions[other]] = [plan.actions[other], plan.actions[index]];
  }
  return plan;
}

/** What every register the workload reaches must hold, one key per row, by identity (built like the rows' keys). */
export interface ExpectedRegisters {
  melderegister: string[];
  personenstandsregister: string[];
  landesmelderegister: string[];
  idnrBaseData: string[];
  propertyTaxRolls: string[];
  cadastre: string[];
}

/**
 * The rows the load and the workload imply: each municipality its residents (with their current name, RESIDENT or
 * DECEASED) and those who moved away (MOVED_OUT), each Land the same (MOVED_AWAY), the BZSt every IdNr at its current
 * municipality, alive or dead; the Standesämter a record of each birth, name change and death they recorded; the
 * property-tax roll of each parcel's municipality and its Land's cadastre the parcel's area and owners. A child whose
 * IdNr never came back is expected under that IdNr's absence (its birth registration id), so it shows as missing in
 * the Land and the BZSt.
 */
export function expectedRegisters(persons: readonly Person[], births: readonly Birth[], parcels: readonly Parcel[]): ExpectedRegisters {
  const expected: ExpectedRegisters = { melderegister: [], personenstandsregister: [], landesmelderegister: [], idnrBaseData: [], propertyTaxRolls: [], cadastre: [] };
  for (const person of persons) {
    const now = person.movedTo ?? person.ags;
    const name = person.renamedTo ?? person.loaded.familyName;
    expected.melderegister.push(residentKey(now, person.idnr, person.died ? 'DECEASED' : 'RESIDENT', name));
    expected.landesmelderegister.push(residentKey(now.slice(0, 2), person.idnr, person.died ? 'DECEASED' : 'RESIDENT', name));
    expected.idnrBaseData.push(baseDataKey(person.idnr, now, person.died ? 'DECEASED' : 'ALIVE', name));
    if (person.movedTo) expected.melderegister.push(residentKey(person.ags, person.idnr, 'MOVED_OUT', person.loaded.familyName));
    if (person.movedTo && person.movedTo.slice(0, 2) !== person.ags.slice(0, 2)) expected.landesmelderegister.push(residentKey(person.ags.slice(0, 2), person.idnr, 'MOVED_AWAY', person.loaded.familyName));
    if (person.renamedTo || person.died) expected.personenstandsregister.push(residentKey(person.ags, person.idnr, person.died ? 'DECEASED' : 'ALIVE', name));
  }
  for (const birth of births) {
    const id = birth.idnr ?? birth.birthRegistrationId ?? birth.correlationId;
    expected.melderegister.push(residentKey(birth.ags, id, 'RESIDENT', birth.familyName));
    expected.personenstandsregister.push(residentKey(birth.ags, id, 'ALIVE', birth.familyName));
    expected.landesmelderegister.push(residentKey(birth.ags.slice(0, 2), id, 'RESIDENT', birth.familyName));
    expected.idnrBaseData.push(baseDataKey(id, birth.ags, 'ALIVE', birth.familyName));
  }
  for (const parcel of parcels) {
    expected.propertyTaxRolls.push(parcelKey(parcel.municipalityKey, parcel));
    expected.cadastre.push(parcelKey(parcel.municipalityKey.slice(0, 2), parcel));
  }
  return expected;
}

/** authority/person/status/family name: a row of a Melderegister, Landesmelderegister or Personenstandsregister. */
function residentKey(authority: string, person: string, status: string, familyName: string): string {
  return `${authority}/${person}/${status}/${familyName}`;
}

function baseDataKey(idnr: string, municipalityKey: string, status: string, familyName: string): string {
  return `${idnr}/${municipalityKey}/${status}/${familyName}`;
}

/** authority (the roll's municipality or the cadastre's Land)/parcel/municipality/area/owners. */
function parcelKey(authority: string, parcel: Pick<Parcel, 'parcelId' | 'municipalityKey' | 'areaSquareMetres' | 'ownerIdnrs'>): string {
  return `${authority}/${parcel.parcelId}/${parcel.municipalityKey}/${parcel.areaSquareMetres}/${parcel.ownerIdnrs.join(',')}`;
}

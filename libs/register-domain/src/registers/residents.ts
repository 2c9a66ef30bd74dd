import type { Address, BirthRecorded, DeathRecorded, DwellingStatus, MaritalStatus, NameChanged, ResidenceRegistered, Sex } from '@regsync/contracts/generated/events';
import { formatCalendarDate } from '../calendar-date';
import { RegisterRejection, rejectIfDeceased, unlessDeceased } from './register-rejection';

export type ResidentStatus = 'RESIDENT' | 'MOVED_OUT' | 'DECEASED';

/** A person in the Melderegister (residents register) of one municipality. Dates are YYYY-MM-DD. */
export interface Resident {
  /** null until the BZSt has assigned one (newborns). */
  idnr: string | null;
  /** Set for persons registered from a birth, the link until the IdNr arrives. */
  birthRegistrationId: string | null;
  familyName: string;
  givenNames: string;
  sex: Sex;
  dateOfBirth: string;
  placeOfBirth: string | null;
  address: Address;
  /** Whether `address` is the person's Hauptwohnung or a Nebenwohnung (§ 21 BMG). */
  dwellingStatus: DwellingStatus;
  movedInOn: string;
  status: ResidentStatus;
  movedOutOn: string | null;
  /** AGS of the municipality moved to (Rückmeldung). */
  movedOutTo: string | null;
  maritalStatus: MaritalStatus | null;
  dateOfDeath: string | null;
  placeOfDeath: string | null;
}

/** What the Melderegister receives of each event (the routing catalog drops the rest). */
export type BirthForResidents = Pick<BirthRecorded, 'birthRegistrationId' | 'familyName' | 'givenNames' | 'sex' | 'dateOfBirth' | 'placeOfBirth' | 'residence'>;
export type ResidenceForResidents = Pick<ResidenceRegistered, 'idnr' | 'familyName' | 'givenNames' | 'sex' | 'dateOfBirth' | 'address' | 'movedInOn' | 'previousAddress'>;
/** The Anmeldung here: the registration with the status of the new dwelling. */
export type AnmeldungForResidents = ResidenceForResidents & Pick<ResidenceRegistered, 'dwellingStatus'>;
export type NameChangeForResidents = Pick<NameChanged, 'idnr' | 'familyName' | 'givenNames' | 'maritalStatus' | 'effectiveOn'>;
export type DeathForResidents = Pick<DeathRecorded, 'idnr' | 'dateOfDeath' | 'placeOfDeath'>;

/** A newborn is registered at the parents' residence from the Standesamt's notice, before it has an IdNr. */
export function residentFromBirth(birth: BirthForResidents): Resident {
  return {
    idnr: null,
    birthRegistrationId: birth.birthRegistrationId,
    familyName: birth.familyName,
    givenNames: birth.givenNames,
    sex: birth.sex,
    dateOfBirth: formatCalendarDate(birth.dateOfBirth),
    placeOfBirth: birth.placeOfBirth,
    address: birth.residence,
    // A minor's Hauptwohnung is the dwelling of the parents (§ 22 Abs. 2 BMG), where the Standesamt registers the child.
    dwellingStatus: 'HAUPTWOHNUNG',
    movedInOn: formatCalendarDate(birth.dateOfBirth),
    status: 'RESIDENT',
    movedOutOn: null,
    movedOutTo: null,
    maritalStatus: 'SINGLE',
    dateOfDeath: null,
    placeOfDeath: null,
  };
}

export function assignIdnrToResident(resident: Resident, idnr: string): Resident {
  if (resident.idnr !== null && resident.idnr !== idnr) {
    throw new RegisterRejection('idnr-conflict', `${resident.birthRegistrationId} already has the IdNr ${resident.idnr}`);
  }
  return { ...resident, idnr };
}

/**
 * Anmeldung (registration) at this municipality: a new resident, or the new address of one already here.
 * A moved-out person who comes back is a resident again; a registration dated before a move away that this
 * register already holds (entered late) updates the address but leaves the person moved out.
 */
export function moveIn(existing: Resident | undefined, residence: AnmeldungForResidents, municipalityKey: string): Resident {
  rejectIfDeceased(existing, residence.idnr);
  if (residence.address.municipalityKey !== municipalityKey) {
    throw new RegisterRejection('wrong-municipality', `the address lies in ${residence.address.municipalityKey}, not in ${municipalityKey}`);
  }
  const movedInOn = formatCalendarDate(residence.movedInOn);
  const heldDeparture = existing?.movedOutOn ?? null;
  const laterDeparture = heldDeparture !== null && heldDeparture > movedInOn;
  return {
    idnr: residence.idnr,
    birthRegistrationId: existing?.birthRegistrationId ?? null,
    familyName: residence.familyName,
    givenNames: residence.givenNames,
    sex: residence.sex,
    dateOfBirth: formatCalendarDate(residence.dateOfBirth),
    placeOfBirth: existing?.placeOfBirth ?? null,
    address: residence.address,
    dwellingStatus: residence.dwellingStatus,
    movedInOn,
    status: laterDeparture ? 'MOVED_OUT' : 'RESIDENT',
    movedOutOn: laterDeparture ? heldDeparture : null,
    movedOutTo: laterDeparture ? (existing?.movedOutTo ?? null) : null,
    maritalStatus: existing?.maritalStatus ?? null,
    dateOfDeath: null,
    placeOfDeath: null,
  };
}

/**
 * Rückmeldung (§ 33 BMG): the municipality moved away from marks the person as moved out on the day they
 * moved in elsewhere. Returns undefined when there is nothing to mark: this register does not know the person, or
 * the move is older than what it holds (the person has registered here again since, or a later move away is
 * already marked), so a late Rückmeldung never undoes a newer registration. Decided by the dates, not by arrival;
 * two moves of one person on the same day are taken in arrival order.
 */
export function moveOut(existing: Resident | undefined, residence: ResidenceForResidents): Resident | undefined {
  if (!existing) return undefined;
  const movedOutOn = formatCalendarDate(residence.movedInOn);
  if (movedOutOn < existing.movedInOn) return undefined;
  if (existing.movedOutOn !== null && movedOutOn <= existing.movedOutOn) return undefined;
  return unlessDeceased(existing, residence.idnr, { ...existing, status: 'MOVED_OUT', movedOutOn, movedOutTo: residence.address.municipalityKey }, residence.movedInOn);
}

/**
 * Offered to every Melderegister that holds or held the person. Undefined when this register does not hold them (any
 * more: a former resident's record is deleted when its retention ends, retention-catalog.ts), as for a death.
 */
export function changeResidentName(existing: Resident | undefined, change: NameChangeForResidents): Resident | undefined {
  if (!existing) return undefined;
  return unlessDeceased(existing, change.idnr, { ...existing, familyName: change.familyName, givenNames: change.givenNames, maritalStatus: change.maritalStatus ?? existing.maritalStatus }, change.effectiveOn);
}

/**
 * Sterbefall: the residence and every former residence mark the person deceased (a former resident keeps the
 * address and the Rückmeldung data), so none of them accepts a later change. Returns undefined when this register
 * never held the person: nothing is stored about them.
 */
export function recordResidentDeath(existing: Resident | undefined, death: DeathForResidents): Resident | undefined {
  if (!existing) return undefined;
  rejectIfDeceased(existing, death.idnr);
  return { ...existing, status: 'DECEASED', dateOfDeath: formatCalendarDate(death.dateOfDeath), placeOfDeath: death.placeOfDeath };
}

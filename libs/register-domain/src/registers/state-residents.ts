import type { Address, DeathRecorded, DwellingStatus, MaritalStatus, MovedOut, NameChanged, ResidenceRegistered, Sex } from '@regsync/contracts/generated/events';
import { formatCalendarDate } from '../calendar-date';
import { rejectIfDeceased, unlessDeceased } from './register-rejection';

export type StateResidentStatus = 'RESIDENT' | 'MOVED_AWAY' | 'DECEASED';

/** A person in the Landesmelderegister (the Land's mirror of its municipalities' residents). */
export interface StateResident {
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: Sex;
  dateOfBirth: string;
  /** The last address in the Land. */
  address: Address;
  /** Hauptwohnung or Nebenwohnung (§ 21 BMG) of `address`; null when only the move away from it is known. */
  dwellingStatus: DwellingStatus | null;
  /** null for a former resident known only from the move away (the registration in the Land not arrived yet). */
  movedInOn: string | null;
  status: StateResidentStatus;
  /** AGS of the municipality in another Land the person moved to. */
  movedAwayTo: string | null;
  movedAwayOn: string | null;
  maritalStatus: MaritalStatus | null;
  dateOfDeath: string | null;
}

export type ResidenceForState = Pick<ResidenceRegistered, 'idnr' | 'familyName' | 'givenNames' | 'sex' | 'dateOfBirth' | 'address' | 'movedInOn' | 'previousAddress' | 'dwellingStatus'>;
export type MovedOutForState = Pick<MovedOut, 'idnr' | 'movedOutOn' | 'fromMunicipalityKey' | 'toMunicipalityKey'>;
export type NameChangeForState = Pick<NameChanged, 'idnr' | 'familyName' | 'givenNames' | 'maritalStatus' | 'effectiveOn'>;
export type DeathForState = Pick<DeathRecorded, 'idnr' | 'dateOfDeath'>;

function landOf(ags: string): string {
  return ags.slice(0, 2);
}

/**
 * A registration in one of the Land's municipalities makes the person a resident of the Land; a registration
 * elsewhere of someone who lived in the Land means they moved away. Decided by the dates of the person's moves, not
 * by arrival (events of one person come from different municipalities, each with its own subject versions): a
 * registration older than the residence held changes nothing, and a move away older than the residence held does
 * not undo it. Moves of one person on the same day are taken in arrival order. Undefined: nothing for this Land to
 * record.
 */
export function applyResidenceToStateResident(existing: StateResident | undefined, residence: ResidenceForState, land: string): StateResident | undefined {
  const on = formatCalendarDate(residence.movedInOn);
  if (landOf(residence.address.municipalityKey) === land) return unlessDeceased(existing, residence.idnr, residenceInLand(existing, residence, on), residence.movedInOn);
  const former = existing ?? formerResident(residence, land);
  return unlessDeceased(existing, residence.idnr, former && departure(former, residence.address.municipalityKey, on), residence.movedInOn);
}

/**
 * The Rückmeldung confirms a move out of the Land: the same move the registration elsewhere reports, so a Land that
 * does not hold the person yet waits for that registration (it carries the person's data). A move between two
 * municipalities of the same Land changes nothing here (the registration already brought the new address).
 */
export function applyMovedOutToStateResident(existing: StateResident | undefined, movedOut: MovedOutForState, land: string): StateResident | undefined {
  if (!existing) return undefined;
  if (landOf(movedOut.toMunicipalityKey) === land) return unlessDeceased(existing, movedOut.idnr, existing, movedOut.movedOutOn);
  return unlessDeceased(existing, movedOut.idnr, departure(existing, movedOut.toMunicipalityKey, formatCalendarDate(movedOut.movedOutOn)), movedOut.movedOutOn);
}

function residenceInLand(existing: StateResident | undefined, residence: ResidenceForState, on: string): StateResident {
  if (existing?.movedInOn != null && on < existing.movedInOn) return existing;
  // A move away dated after this registration is newer: the person stays moved away, at this last address in the Land.
  const laterDeparture = existing?.movedAwayOn != null && existing.movedAwayOn > on ? existing : undefined;
  return {
    idnr: residence.idnr,
    familyName: residence.familyName,
    givenNames: residence.givenNames,
    sex: residence.sex,
    dateOfBirth: formatCalendarDate(residence.dateOfBirth),
    address: residence.address,
    dwellingStatus: residence.dwellingStatus,
    movedInOn: on,
    status: laterDeparture ? 'MOVED_AWAY' : 'RESIDENT',
    movedAwayTo: laterDeparture?.movedAwayTo ?? null,
    movedAwayOn: laterDeparture?.movedAwayOn ?? null,
    maritalStatus: existing?.maritalStatus ?? null,
    dateOfDeath: null,
  };
}

/** The registration elsewhere and the MovedOut of one move both record it (each is stored and logged as received). */
function departure(resident: StateResident, to: string, on: string): StateResident {
  if (resident.movedAwayOn !== null && on < resident.movedAwayOn) return resident;
  if (resident.movedInOn !== null && on < resident.movedInOn) return resident;
  return { ...resident, status: 'MOVED_AWAY', movedAwayTo: to, movedAwayOn: on };
}

/**
 * A move away arriving before the registration in the Land it ends (another municipality's relay was faster): the
 * person is kept as a former resident at the address left, so the registration, when it arrives, cannot make them
 * a resident again. Undefined when the person did not come from this Land.
 */
function formerResident(residence: ResidenceForState, land: string): StateResident | undefined {
  const left = residence.previousAddress;
  if (!left || landOf(left.municipalityKey) !== land) return undefined;
  return {
    idnr: residence.idnr,
    familyName: residence.familyName,
    givenNames: residence.givenNames,
    sex: residence.sex,
    dateOfBirth: formatCalendarDate(residence.dateOfBirth),
    address: left,
    dwellingStatus: null,
    movedInOn: null,
    status: 'MOVED_AWAY',
    movedAwayTo: null,
    movedAwayOn: null,
    maritalStatus: null,
    dateOfDeath: null,
  };
}

/** Undefined when the Land does not hold the person (any more: see `changeResidentName`), as for a death. */
export function changeStateResidentName(existing: StateResident | undefined, change: NameChangeForState): StateResident | undefined {
  if (!existing) return undefined;
  return unlessDeceased(existing, change.idnr, { ...existing, familyName: change.familyName, givenNames: change.givenNames, maritalStatus: change.maritalStatus ?? existing.maritalStatus }, change.effectiveOn);
}

/**
 * Every Land hears of every death; the Land that holds the person, now or as a former resident (moved away), marks
 * them deceased, so a later registration in one of its municipalities cannot resurrect them. Undefined: the Land
 * never held the person and stores nothing about them.
 */
export function recordStateResidentDeath(existing: StateResident | undefined, death: DeathForState): StateResident | undefined {
  if (!existing) return undefined;
  rejectIfDeceased(existing, death.idnr);
  return { ...existing, status: 'DECEASED', dateOfDeath: formatCalendarDate(death.dateOfDeath) };
}

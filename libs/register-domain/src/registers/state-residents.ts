import type { Address, DeathRecorded, MaritalStatus, MovedOut, NameChanged, ResidenceRegistered, Sex } from '@regsync/contracts/generated/events';
import { formatCalendarDate } from '../calendar-date';
import { RegisterRejection, rejectIfDeceased } from './register-rejection';

export type StateResidentStatus = 'RESIDENT' | 'MOVED_AWAY' | 'DECEASED';

/** A person in the Landesmelderegister (the Land's mirror of its municipalities' residents). */
export interface StateResident {
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: Sex;
  dateOfBirth: string;
  address: Address;
  movedInOn: string;
  status: StateResidentStatus;
  /** AGS of the municipality in another Land the person moved to. */
  movedAwayTo: string | null;
  movedAwayOn: string | null;
  maritalStatus: MaritalStatus | null;
  dateOfDeath: string | null;
}

export type ResidenceForState = Pick<ResidenceRegistered, 'idnr' | 'familyName' | 'givenNames' | 'sex' | 'dateOfBirth' | 'address' | 'movedInOn' | 'previousAddress'>;
export type MovedOutForState = Pick<MovedOut, 'idnr' | 'movedOutOn' | 'fromMunicipalityKey' | 'toMunicipalityKey'>;
export type NameChangeForState = Pick<NameChanged, 'idnr' | 'familyName' | 'givenNames' | 'maritalStatus'>;
export type DeathForState = Pick<DeathRecorded, 'idnr' | 'dateOfDeath'>;

function landOf(ags: string): string {
  return ags.slice(0, 2);
}

/**
 * A registration in one of the Land's municipalities makes the person a resident of the Land; a registration
 * elsewhere of someone the Land holds means they moved away. Undefined: nothing for this Land to record.
 */
export function applyResidenceToStateResident(existing: StateResident | undefined, residence: ResidenceForState, land: string): StateResident | undefined {
  rejectIfDeceased(existing, residence.idnr);
  if (landOf(residence.address.municipalityKey) === land) {
    return {
      idnr: residence.idnr,
      familyName: residence.familyName,
      givenNames: residence.givenNames,
      sex: residence.sex,
      dateOfBirth: formatCalendarDate(residence.dateOfBirth),
      address: residence.address,
      movedInOn: formatCalendarDate(residence.movedInOn),
      status: 'RESIDENT',
      movedAwayTo: null,
      movedAwayOn: null,
      maritalStatus: existing?.maritalStatus ?? null,
      dateOfDeath: null,
    };
  }
  if (!existing) return undefined;
  return { ...existing, status: 'MOVED_AWAY', movedAwayTo: residence.address.municipalityKey, movedAwayOn: formatCalendarDate(residence.movedInOn) };
}

/**
 * The Rückmeldung confirms a move out of the Land. A move between two municipalities of the same Land
 * changes nothing here (the registration already brought the new address), nor does a stale one.
 */
export function applyMovedOutToStateResident(existing: StateResident | undefined, movedOut: MovedOutForState, land: string): StateResident | undefined {
  if (!existing) return undefined;
  rejectIfDeceased(existing, movedOut.idnr);
  if (landOf(movedOut.toMunicipalityKey) === land) return existing;
  if (existing.status === 'RESIDENT' && existing.address.municipalityKey !== movedOut.fromMunicipalityKey) return existing;
  return { ...existing, status: 'MOVED_AWAY', movedAwayTo: movedOut.toMunicipalityKey, movedAwayOn: formatCalendarDate(movedOut.movedOutOn) };
}

export function changeStateResidentName(existing: StateResident | undefined, change: NameChangeForState): StateResident {
  const resident = known(existing, change.idnr);
  rejectIfDeceased(resident, change.idnr);
  return { ...resident, familyName: change.familyName, givenNames: change.givenNames, maritalStatus: change.maritalStatus ?? resident.maritalStatus };
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

function known(resident: StateResident | undefined, idnr: string): StateResident {
  if (!resident) throw new RegisterRejection('unknown-subject', `${idnr} is not in this Landesmelderegister`);
  return resident;
}

import type { Address, DeathRecorded, IdNrRequested, NameChanged, ResidenceRegistered, Sex } from '@regsync/contracts/generated/events';
import { formatCalendarDate } from '../calendar-date';
import { RegisterRejection, rejectIfDeceased, unlessDeceased } from './register-rejection';

export type BaseDataStatus = 'ALIVE' | 'DECEASED';

/** The base data the BZSt keeps about one IdNr (§ 139b Abs. 3 AO): no previous address, no marital status. */
export interface IdnrBaseData {
  idnr: string;
  /** The Vorläufiges Bearbeitungsmerkmal of a newborn's request; null for persons known from a registration. */
  birthRegistrationId: string | null;
  familyName: string;
  givenNames: string;
  previousFamilyNames: string[];
  sex: Sex;
  dateOfBirth: string;
  placeOfBirth: string | null;
  address: Address;
  movedInOn: string | null;
  status: BaseDataStatus;
  dateOfDeath: string | null;
}

export type IdnrRequestForBaseData = Pick<IdNrRequested, 'birthRegistrationId' | 'familyName' | 'givenNames' | 'sex' | 'dateOfBirth' | 'placeOfBirth' | 'address'>;
export type ResidenceForBaseData = Pick<ResidenceRegistered, 'idnr' | 'familyName' | 'givenNames' | 'sex' | 'dateOfBirth' | 'address' | 'movedInOn'>;
export type NameChangeForBaseData = Pick<NameChanged, 'idnr' | 'familyName' | 'givenNames' | 'previousFamilyName' | 'effectiveOn'>;
export type DeathForBaseData = Pick<DeathRecorded, 'idnr' | 'dateOfDeath'>;

/** The base data of a newborn at the moment the IdNr is assigned. */
export function baseDataForNewborn(request: IdnrRequestForBaseData, idnr: string): IdnrBaseData {
  return {
    idnr,
    birthRegistrationId: request.birthRegistrationId,
    familyName: request.familyName,
    givenNames: request.givenNames,
    previousFamilyNames: [],
    sex: request.sex,
    dateOfBirth: formatCalendarDate(request.dateOfBirth),
    placeOfBirth: request.placeOfBirth,
    address: request.address,
    movedInOn: formatCalendarDate(request.dateOfBirth),
    status: 'ALIVE',
    dateOfDeath: null,
  };
}

/**
 * Every registration keeps the address current; a person first met through a registration is added. The newest move
 * by its date wins, whatever the arrival order (registrations of one person come from different municipalities, each
 * with its own subject versions): an older one returns the base data unchanged. Same day: arrival order.
 */
export function applyResidenceToBaseData(existing: IdnrBaseData | undefined, residence: ResidenceForBaseData): IdnrBaseData {
  const movedInOn = formatCalendarDate(residence.movedInOn);
  if (existing?.movedInOn != null && movedInOn < existing.movedInOn) return existing;
  const next: IdnrBaseData = {
    idnr: residence.idnr,
    birthRegistrationId: existing?.birthRegistrationId ?? null,
    familyName: residence.familyName,
    givenNames: residence.givenNames,
    previousFamilyNames: existing?.previousFamilyNames ?? [],
    sex: residence.sex,
    dateOfBirth: formatCalendarDate(residence.dateOfBirth),
    placeOfBirth: existing?.placeOfBirth ?? null,
    address: residence.address,
    movedInOn,
    status: 'ALIVE',
    dateOfDeath: null,
  };
  return (existing && unlessDeceased(existing, residence.idnr, next, residence.movedInOn)) ?? existing ?? next;
}

export function changeBaseDataName(existing: IdnrBaseData | undefined, change: NameChangeForBaseData): IdnrBaseData {
  const data = known(existing, change.idnr);
  const previous = data.familyName === change.familyName ? data.previousFamilyNames : [...data.previousFamilyNames, data.familyName];
  return unlessDeceased(data, change.idnr, { ...data, familyName: change.familyName, givenNames: change.givenNames, previousFamilyNames: previous }, change.effectiveOn) ?? data;
}

export function recordBaseDataDeath(existing: IdnrBaseData | undefined, death: DeathForBaseData): IdnrBaseData {
  const data = known(existing, death.idnr);
  rejectIfDeceased(data, death.idnr);
  return { ...data, status: 'DECEASED', dateOfDeath: formatCalendarDate(death.dateOfDeath) };
}

function known(data: IdnrBaseData | undefined, idnr: string): IdnrBaseData {
  if (!data) throw new RegisterRejection('unknown-subject', `${idnr} has no base data at the BZSt`);
  return data;
}

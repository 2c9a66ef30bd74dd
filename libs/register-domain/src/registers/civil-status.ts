import type { Address, MaritalStatus, NameChangeReason, Sex } from '@regsync/contracts/generated/events';
import { formatCalendarDate } from '../calendar-date';
import { beforeBirthViolation } from '../plausibility/person-plausibility';
import { DomainValidationError } from '../validation-error';
import { RegisterRejection, rejectIfDeceased } from './register-rejection';

export type CivilStatus = 'ALIVE' | 'DECEASED';

export interface NameHistoryEntry {
  familyName: string;
  givenNames: string;
  reason: NameChangeReason | 'BIRTH';
  effectiveOn: string;
}

/** What the Personenstandsregister (civil status register, kept by the Standesamt) holds about one person. */
export interface CivilStatusRecord {
  birthRegistrationId: string | null;
  idnr: string | null;
  familyName: string;
  givenNames: string;
  sex: Sex;
  dateOfBirth: string;
  placeOfBirth: string | null;
  parentIdnrs: string[];
  maritalStatus: MaritalStatus | null;
  status: CivilStatus;
  dateOfDeath: string | null;
  placeOfDeath: string | null;
  nameHistory: NameHistoryEntry[];
}

export interface BirthInput {
  familyName: string;
  givenNames: string;
  sex: Sex;
  dateOfBirth: Date;
  placeOfBirth: string;
  parentIdnrs: string[];
  residence: Address;
}

export interface NameChangeInput {
  idnr: string;
  familyName: string;
  givenNames: string;
  reason: NameChangeReason;
  maritalStatus: MaritalStatus | null;
  effectiveOn: Date;
}

export interface DeathInput {
  idnr: string;
  dateOfDeath: Date;
  placeOfDeath: string;
}

/** What the Standesamt knows of a person it has no record of yet: the resident's data from its own Melderegister. */
export interface KnownPerson {
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: Sex;
  dateOfBirth: string;
  maritalStatus: MaritalStatus | null;
}

/** Geburtenregister entry: the Beurkundung (certification) of a birth. */
export function recordBirth(birthRegistrationId: string, birth: BirthInput): CivilStatusRecord {
  const dateOfBirth = formatCalendarDate(birth.dateOfBirth);
  return {
    birthRegistrationId,
    idnr: null,
    familyName: birth.familyName,
    givenNames: birth.givenNames,
    sex: birth.sex,
    dateOfBirth,
    placeOfBirth: birth.placeOfBirth,
    parentIdnrs: birth.parentIdnrs,
    maritalStatus: 'SINGLE',
    status: 'ALIVE',
    dateOfDeath: null,
    placeOfDeath: null,
    nameHistory: [{ familyName: birth.familyName, givenNames: birth.givenNames, reason: 'BIRTH', effectiveOn: dateOfBirth }],
  };
}

/**
 * The IdNr of a child born here reaches the Melderegister of the same municipality, which passes it to its
 * Standesamt (no event: same Verwaltungseinheit, § 37 BMG). The birth record then answers to the IdNr, so a later
 * name change or death continues it instead of starting a second record.
 */
export function linkBirthRecordToIdnr(record: CivilStatusRecord, idnr: string): CivilStatusRecord {
  if (record.idnr !== null && record.idnr !== idnr) {
    throw new RegisterRejection('idnr-conflict', `${record.birthRegistrationId} already has the IdNr ${record.idnr}`);
  }
  return { ...record, idnr };
}

/** A name change (e.g. at marriage); the Standesamt starts a record from the Melderegister data if it has none. */
export function recordNameChange(existing: CivilStatusRecord | undefined, person: KnownPerson, change: NameChangeInput): { record: CivilStatusRecord; previousFamilyName: string } {
  const record = existing ?? recordFromResident(person);
  rejectIfDeceased(record, change.idnr);
  if (change.reason === 'MARRIAGE' && change.maritalStatus !== null && change.maritalStatus !== 'MARRIED') {
    throw new DomainValidationError('maritalStatus', 'must be MARRIED (or omitted) for a name change at marriage');
  }
  const beforeBirth = beforeBirthViolation(change.effectiveOn, record.dateOfBirth);
  if (beforeBirth) throw new DomainValidationError('effectiveOn', beforeBirth);
  const maritalStatus = change.maritalStatus ?? (change.reason === 'MARRIAGE' ? 'MARRIED' : record.maritalStatus);
  const effectiveOn = formatCalendarDate(change.effectiveOn);
  return {
    previousFamilyName: record.familyName,
    record: {
      ...record,
      idnr: change.idnr,
      familyName: change.familyName,
      givenNames: change.givenNames,
      maritalStatus,
      nameHistory: [...record.nameHistory, { familyName: change.familyName, givenNames: change.givenNames, reason: change.reason, effectiveOn }],
    },
  };
}

/** Sterberegister entry; a second death of the same person is refused like any later change. */
export function recordDeath(existing: CivilStatusRecord | undefined, person: KnownPerson, death: DeathInput): CivilStatusRecord {
  const record = existing ?? recordFromResident(person);
  rejectIfDeceased(record, death.idnr);
  const beforeBirth = beforeBirthViolation(death.dateOfDeath, record.dateOfBirth);
  if (beforeBirth) throw new DomainValidationError('dateOfDeath', beforeBirth);
  return { ...record, idnr: death.idnr, status: 'DECEASED', dateOfDeath: formatCalendarDate(death.dateOfDeath), placeOfDeath: death.placeOfDeath };
}

function recordFromResident(person: KnownPerson): CivilStatusRecord {
  return {
    birthRegistrationId: null,
    idnr: person.idnr,
    familyName: person.familyName,
    givenNames: person.givenNames,
    sex: person.sex,
    dateOfBirth: person.dateOfBirth,
    placeOfBirth: null,
    parentIdnrs: [],
    maritalStatus: person.maritalStatus,
    status: 'ALIVE',
    dateOfDeath: null,
    placeOfDeath: null,
    nameHistory: [],
  };
}

// Public entry: What an event means for each register: the pure state changes of every register row.
export { linkBirthRecordToIdnr, recordBirth, recordDeath, recordNameChange } from './registers/civil-status';
export type { CivilStatusRecord, KnownPerson, NameHistoryEntry } from './registers/civil-status';
export { applyResidenceToBaseData, baseDataForNewborn, changeBaseDataName, recordBaseDataDeath } from './registers/idnr-base-data';
export type { IdnrBaseData } from './registers/idnr-base-data';
export { applyBlockLift, applyBlockSet, awaitRueckmeldung, BLOCK_REASON_CATEGORIES, blockInForce, disclosedView, eventPayloadView, INFORMATION_BLOCK_KINDS, rueckmeldungAnswered, rueckmeldungSuperseded, rueckmeldungToAwait, validUntilViolation } from './registers/information-block';
export type { BlockNotice, InformationBlockKind, InformationBlockState } from './registers/information-block';
export { recordParcel } from './registers/parcels';
export type { Parcel } from './registers/parcels';
export { applyParcelToPropertyTax, dropsParcel } from './registers/property-tax';
export type { PropertyTaxEntry } from './registers/property-tax';
export { RegisterRejection, rejectIfDeceased } from './registers/register-rejection';
export { assignIdnrToResident, changeResidentName, moveIn, moveOut, recordResidentDeath, residentFromBirth } from './registers/residents';
export type { Resident } from './registers/residents';
export { restateNames } from './registers/restated-names';
export { dwellingOf, endSecondaryResidenceByDeath, moveOutOfSecondaryResidence, registerSecondaryResidence } from './registers/secondary-residences';
export type { SecondaryResidence } from './registers/secondary-residences';
export { applyMovedOutToStateResident, applyResidenceToStateResident, changeStateResidentName, recordStateResidentDeath } from './registers/state-residents';
export type { StateResident } from './registers/state-residents';

// Public entry: identifiers (IdNr, AGS, Land code, Flurstückskennzeichen, birth registration id), checking and generating them.
export { assertIdnr, idnrViolation } from './idnr';
export { generateIdnr } from './idnr-generator';
export { agsFormatViolation, agsViolation } from './ags';
export { LAND_CODES } from './land-code';
export { assertParcelId, parcelIdViolation } from './parcel-id';
export { birthRegistrationId, birthRegistrationIdViolation, isBirthRegistrationId } from './registers/birth-registration-id';

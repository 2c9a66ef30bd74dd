// Public entry: Which registers exist, who is authoritative for what, and under which basis a sender sends.
export { AUTHORITY, authorityViolation } from './authority';
export { describeRegisterAddress, FEDERAL_INSTANCE_KEY, instanceKeyViolation, REGISTERS_BY_LEVEL } from './registers';
export type { AdministrativeLevel, RegisterAddress, RegisterInstance, RegisterKind } from './registers';
export { isServedMunicipality, KNOWN_MUNICIPALITIES, serveMunicipalities } from './known-municipalities';
export { SENDER_LEGAL_BASIS } from './registers/sender-legal-basis';

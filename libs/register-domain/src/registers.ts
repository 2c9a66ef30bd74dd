import { agsFormatViolation } from './ags';
import { isLandCode } from './land-code';

/** Identical to the Avro enum `de.regsync.AdministrativeLevel`. */
export type AdministrativeLevel = 'MUNICIPAL' | 'STATE' | 'FEDERAL';

/** Identical to the Avro enum `de.regsync.RegisterKind`. */
export type RegisterKind =
  | 'MELDEREGISTER' // residents register of a municipality
  | 'PERSONENSTANDSREGISTER' // civil status register (Standesamt)
  | 'GRUNDSTEUER' // municipal property-tax roll
  | 'LANDESMELDEREGISTER' // the Land's mirror of its residents
  | 'LIEGENSCHAFTSKATASTER' // the Land's cadastre of parcels
  | 'IDNR_BASISDATEN'; // BZSt base data for the IdNr (§ 139b AO, § 4 IDNrG)

export const ADMINISTRATIVE_LEVELS: readonly AdministrativeLevel[] = ['MUNICIPAL', 'STATE', 'FEDERAL'];

export const REGISTER_KINDS: readonly RegisterKind[] = [
  'MELDEREGISTER',
  'PERSONENSTANDSREGISTER',
  'GRUNDSTEUER',
  'LANDESMELDEREGISTER',
  'LIEGENSCHAFTSKATASTER',
  'IDNR_BASISDATEN',
];

/** Which registers an instance of each level keeps. */
export const REGISTERS_BY_LEVEL: Readonly<Record<AdministrativeLevel, readonly RegisterKind[]>> = {
  MUNICIPAL: ['MELDEREGISTER', 'PERSONENSTANDSREGISTER', 'GRUNDSTEUER'],
  STATE: ['LANDESMELDEREGISTER', 'LIEGENSCHAFTSKATASTER'],
  FEDERAL: ['IDNR_BASISDATEN'],
};

/** The instance key of the single federal instance. */
export const FEDERAL_INSTANCE_KEY = 'DE';

/** One register instance; same shape as the Avro `EventSource`. instanceKey: AGS, Land code or 'DE'. */
export interface RegisterAddress {
  level: AdministrativeLevel;
  instanceKey: string;
  register: RegisterKind;
}

export type RegisterInstance = Pick<RegisterAddress, 'level' | 'instanceKey'>;

export function levelOfRegister(register: RegisterKind): AdministrativeLevel {
  const level = ADMINISTRATIVE_LEVELS.find((candidate) => REGISTERS_BY_LEVEL[candidate].includes(register));
  if (!level) throw new RangeError(`unknown register kind ${String(register)}`);
  return level;
}

/** Whether the instance key fits the level (AGS / Land code / DE); only the format, not the served set. */
export function instanceKeyViolation(level: AdministrativeLevel, instanceKey: unknown): string | undefined {
  switch (level) {
    case 'MUNICIPAL':
      return agsFormatViolation(instanceKey) && 'a municipal instance key must be an AGS (8 digits)';
    case 'STATE':
      return isLandCode(instanceKey) ? undefined : 'a state instance key must be a Land code 01–16';
    case 'FEDERAL':
      return instanceKey === FEDERAL_INSTANCE_KEY ? undefined : `the federal instance key is ${FEDERAL_INSTANCE_KEY}`;
    default:
      return `unknown administrative level ${String(level)}`;
  }
}

/** Whether the address names a register that its level keeps, under a fitting instance key. */
export function registerAddressViolation(address: RegisterAddress): string | undefined {
  const levelRegisters = REGISTERS_BY_LEVEL[address.level];
  if (!levelRegisters) return `unknown administrative level ${String(address.level)}`;
  if (!levelRegisters.includes(address.register)) {
    return `${address.register} is not kept at ${address.level} level`;
  }
  return instanceKeyViolation(address.level, address.instanceKey);
}

/** `STATE 14 LANDESMELDEREGISTER`: how reasons and logs name a register instance. */
export function describeRegisterAddress(address: RegisterAddress): string {
  return `${address.level} ${address.instanceKey} ${address.register}`;
}

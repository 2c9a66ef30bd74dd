import { agsViolation } from './ags';
import { throwIfViolations, type Violation } from './validation-error';

/** Anschrift (postal address) with the AGS of its municipality; same shape as the Avro `Address`. */
export interface PostalAddress {
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  municipalityKey: string;
}

/** Upper bounds on text fields so nothing unbounded reaches a register's store. */
export const POSTAL_ADDRESS_MAX_LENGTHS = { street: 100, houseNumber: 10, city: 100 } as const;

/** Every violation of the address, with field paths under `path` (e.g. `address.postalCode`). */
export function postalAddressViolations(value: unknown, path = 'address'): Violation[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ field: path, rule: 'is required' }];
  }
  const address = value as Record<string, unknown>;
  const violations: Violation[] = [];
  const text = (field: keyof typeof POSTAL_ADDRESS_MAX_LENGTHS) => {
    const rule = textViolation(address[field], POSTAL_ADDRESS_MAX_LENGTHS[field]);
    if (rule) violations.push({ field: `${path}.${field}`, rule });
  };
  text('street');
  text('houseNumber');
  if (typeof address.postalCode !== 'string' || !/^\d{5}$/.test(address.postalCode)) {
    violations.push({ field: `${path}.postalCode`, rule: 'must be 5 digits' });
  }
  text('city');
  const ags = agsViolation(address.municipalityKey);
  if (ags) violations.push({ field: `${path}.municipalityKey`, rule: ags });
  return violations;
}

export function assertPostalAddress(value: unknown, path = 'address'): asserts value is PostalAddress {
  throwIfViolations(postalAddressViolations(value, path));
}

function textViolation(value: unknown, maxLength: number): string | undefined {
  if (value === undefined || value === null) return 'is required';
  if (typeof value !== 'string') return 'must be text';
  if (value.trim() === '') return 'must not be empty';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  return undefined;
}

import { agsViolation } from './ags';
import { postalCodeViolation } from './plausibility/postal-code';
import { normalizedText, textViolation, type TextRule } from './text/text-field';
import { throwIfViolations, type Violation } from './validation-error';

/** Anschrift (postal address) with the AGS of its municipality; same shape as the Avro `Address`. */
export interface PostalAddress {
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  municipalityKey: string;
}

/**
 * The text fields: bounded so nothing unbounded reaches a register's store, and of DIN 91379 data type B (other
 * names: letters, digits and punctuation such as "Straße des 17. Juni", "12/1").
 */
export const POSTAL_ADDRESS_TEXT_RULES: Readonly<Record<'street' | 'houseNumber' | 'city', TextRule>> = {
  street: { maxLength: 100, dataType: 'B' },
  houseNumber: { maxLength: 10, dataType: 'B' },
  city: { maxLength: 100, dataType: 'B' },
};

/** Every violation of the address, with field paths under `path` (e.g. `address.postalCode`). */
export function postalAddressViolations(value: unknown, path = 'address'): Violation[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ field: path, rule: 'is required' }];
  }
  const address = value as Record<string, unknown>;
  const violations: Violation[] = [];
  const text = (field: keyof typeof POSTAL_ADDRESS_TEXT_RULES) => {
    const rule = textViolation(address[field], POSTAL_ADDRESS_TEXT_RULES[field]);
    if (rule) violations.push({ field: `${path}.${field}`, rule });
  };
  text('street');
  text('houseNumber');
  const postalCode = postalCodeViolation(address.postalCode);
  if (postalCode) violations.push({ field: `${path}.postalCode`, rule: postalCode });
  text('city');
  const ags = agsViolation(address.municipalityKey);
  if (ags) violations.push({ field: `${path}.municipalityKey`, rule: ags });
  return violations;
}

export function assertPostalAddress(value: unknown, path = 'address'): asserts value is PostalAddress {
  throwIfViolations(postalAddressViolations(value, path));
}

/** The address as registers store it: its texts trimmed and in NFC. */
export function normalizedPostalAddress(address: PostalAddress): PostalAddress {
  return { ...address, street: normalizedText(address.street), houseNumber: normalizedText(address.houseNumber), city: normalizedText(address.city) };
}

/** Two addresses are one when their normalised texts, postal code and municipality agree (case and spacing count). */
export function samePostalAddress(a: PostalAddress, b: PostalAddress): boolean {
  const [x, y] = [normalizedPostalAddress(a), normalizedPostalAddress(b)];
  return x.street === y.street && x.houseNumber === y.houseNumber && x.postalCode === y.postalCode && x.city === y.city && x.municipalityKey === y.municipalityKey;
}

import postalCodes from 'german-postal-codes';

// The Deutsche Post list of Postleitzahlen as packaged by german-postal-codes (ISC): 5 digits alone let through
// 00000 or 99999, which no address has. Checked on the API only: a code the list drops later must not make
// consumers refuse events that were correct when they were written.
const KNOWN_POSTAL_CODES: ReadonlySet<string> = new Set(postalCodes as string[]);

/** The broken rule of a Postleitzahl: 5 digits, and one that exists. */
export function postalCodeViolation(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{5}$/.test(value)) return 'must be 5 digits';
  if (!KNOWN_POSTAL_CODES.has(value)) return `${value} is not a German postal code (Deutsche Post list, package german-postal-codes)`;
  return undefined;
}

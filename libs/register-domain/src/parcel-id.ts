import { DomainValidationError } from './validation-error';
import { isLandCode, type LandCode } from './land-code';

/**
 * Flurstückskennzeichen (parcel identifier), 20 characters:
 * Land (2 digits) + Gemarkung (cadastral district, 4) + Flur (3) + Zähler (numerator, 5)
 * + Nenner (denominator, 4 digits or `____` when there is none) + `__` (Flurstücksfolge filler).
 * Example: Land 14, Gemarkung 6123, Flur 1, Flurstück 12 → `14612300100012______`.
 */
const PARCEL_ID = /^(\d{2})(\d{4})(\d{3})(\d{5})(\d{4}|_{4})__$/;

export interface ParcelIdParts {
  land: string;
  gemarkung: string | number;
  flur: string | number;
  zaehler: string | number;
  nenner?: string | number;
}

export function parcelIdViolation(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length !== 20) return 'must be 20 characters';
  const match = PARCEL_ID.exec(value);
  if (!match) return 'must be Land(2) Gemarkung(4) Flur(3) Zähler(5) digits, Nenner(4 digits or ____) and __';
  const [, land, , flur, zaehler, nenner] = match;
  if (!isLandCode(land)) return `unknown Land code ${land}`;
  if (Number(flur) === 0) return 'Flur must not be 0';
  if (Number(zaehler) === 0) return 'Zähler must not be 0';
  if (nenner === '0000') return 'Nenner must not be 0 (use ____ when there is none)';
  return undefined;
}

export function assertParcelId(value: unknown, field = 'parcelId'): asserts value is string {
  const rule = parcelIdViolation(value);
  if (rule) throw new DomainValidationError(field, rule);
}

export function landOfParcel(parcelId: string, field = 'parcelId'): LandCode {
  assertParcelId(parcelId, field);
  return parcelId.slice(0, 2) as LandCode;
}

/** Builds a Flurstückskennzeichen from its parts (numbers are zero-padded); throws if the result is invalid. */
export function formatParcelId(parts: ParcelIdParts): string {
  const pad = (part: string | number, width: number) => String(part).padStart(width, '0');
  const nenner = parts.nenner === undefined || parts.nenner === '' ? '____' : pad(parts.nenner, 4);
  const parcelId =
    parts.land + pad(parts.gemarkung, 4) + pad(parts.flur, 3) + pad(parts.zaehler, 5) + nenner + '__';
  assertParcelId(parcelId);
  return parcelId;
}

import { DomainValidationError } from './validation-error';
import { isServedMunicipality } from './known-municipalities';
import { isLandCode, type LandCode } from './land-code';

/**
 * AGS (Amtlicher Gemeindeschlüssel, official municipality key): 8 digits = Land (2), Regierungsbezirk (1),
 * Kreis (2), Gemeinde (3). Only well-formed, not whether regsync serves the municipality.
 */
export function agsFormatViolation(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{8}$/.test(value)) return 'must be 8 digits';
  if (!isLandCode(value.slice(0, 2))) return `unknown Land code ${value.slice(0, 2)}`;
  return undefined;
}

/** Well-formed and one of the municipalities regsync serves (KNOWN_MUNICIPALITIES and the deployment's). */
export function agsViolation(value: unknown): string | undefined {
  const format = agsFormatViolation(value);
  if (format) return format;
  if (!isServedMunicipality(value as string)) return 'unknown municipality';
  return undefined;
}

export function assertAgs(value: unknown, field = 'municipalityKey'): asserts value is string {
  const rule = agsViolation(value);
  if (rule) throw new DomainValidationError(field, rule);
}

/** The Land an AGS lies in; throws DomainValidationError on a malformed AGS. */
export function landOfAgs(ags: string, field = 'municipalityKey'): LandCode {
  const rule = agsFormatViolation(ags);
  if (rule) throw new DomainValidationError(field, rule);
  return ags.slice(0, 2) as LandCode;
}

import { z } from 'zod';
import { agsViolation } from '@regsync/register-domain/ags';
import { assertPastOrToday, parseCalendarDate } from '@regsync/register-domain/calendar-date';
import { idnrViolation } from '@regsync/register-domain/idnr';
import { parcelIdViolation } from '@regsync/register-domain/parcel-id';
import { postalAddressViolations } from '@regsync/register-domain/postal-address';
import { DomainValidationError } from '@regsync/register-domain/validation-error';

/**
 * Request body fields for the agency APIs: zod gives the shape (and the OpenAPI schema), the rule itself is
 * always the register-domain function, so the API and the event consumers check the same thing.
 */
function domainRule(violation: (value: unknown) => string | undefined) {
  return (value: unknown, context: z.RefinementCtx) => {
    const rule = violation(value);
    if (rule) context.addIssue({ code: 'custom', message: rule });
  };
}

export const idnrField = z.string().superRefine(domainRule(idnrViolation)).describe('Steuerliche Identifikationsnummer, 11 digits with check digit');

export const agsField = z.string().superRefine(domainRule(agsViolation)).describe('Amtlicher Gemeindeschlüssel (8 digits) of a municipality regsync serves');

export const parcelIdField = z.string().superRefine(domainRule(parcelIdViolation)).describe('Flurstückskennzeichen, 20 characters');

export function textField(maxLength: number) {
  return z.string().trim().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);
}

export const sexField = z.enum(['FEMALE', 'MALE', 'DIVERSE', 'UNSPECIFIED']);

/** A calendar date YYYY-MM-DD that has already happened (birth, death, move-in); parsed to a Date at UTC midnight. */
export const pastDateField = z
  .string()
  .transform((value, context) => {
    try {
      const date = parseCalendarDate(value);
      assertPastOrToday(date, 'date', new Date());
      return date;
    } catch (error) {
      if (!(error instanceof DomainValidationError)) throw error;
      context.addIssue({ code: 'custom', message: error.rule });
      return z.NEVER;
    }
  })
  .describe('calendar date YYYY-MM-DD, not in the future');

/** Anschrift; every rule (incl. "a municipality regsync serves") is postalAddressViolations. */
export const postalAddressField = z
  .object({
    street: z.string(),
    houseNumber: z.string(),
    postalCode: z.string(),
    city: z.string(),
    municipalityKey: z.string().describe('AGS of the municipality'),
  })
  .superRefine((address, context) => {
    for (const violation of postalAddressViolations(address, '')) {
      context.addIssue({ code: 'custom', message: violation.rule, path: violation.field.split('.').filter(Boolean) });
    }
  });

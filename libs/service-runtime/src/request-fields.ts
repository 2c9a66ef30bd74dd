import { z } from 'zod';
import { agsViolation, idnrViolation, parcelIdViolation } from '@regsync/register-domain/identifiers';
import { assertPastOrToday, parseCalendarDate } from '@regsync/register-domain/calendar-date';
import { normalizedPostalAddress, postalAddressViolations, din91379Description, type Din91379DataType, normalizedText, textViolation } from '@regsync/register-domain/text-rules';
import { DomainValidationError, type Violation } from '@regsync/register-domain/validation-error';

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

/** A path `/{idnr}/...` (or a query `?idnr=`): the person the request is about. */
export const idnrParams = z.object({ idnr: idnrField });

export const agsField = z.string().superRefine(domainRule(agsViolation)).describe('Amtlicher Gemeindeschlüssel (8 digits) of a municipality regsync serves');

export const parcelIdField = z.string().superRefine(domainRule(parcelIdViolation)).describe('Flurstückskennzeichen, 20 characters');

/** Cross-field rules of a whole body (plausibility): each violation lands on its own field. */
export function domainRules<T>(violations: (value: T) => Violation[]) {
  return (value: T, context: z.RefinementCtx) => {
    for (const violation of violations(value)) context.addIssue({ code: 'custom', message: violation.rule, path: violation.field.split('.').filter(Boolean) });
  };
}

/**
 * A text of DIN 91379 `dataType` (default B, other names: places, streets, parcel usage), at most `maxLength`
 * characters; parsed to its stored form, trimmed and NFC.
 */
export function textField(maxLength: number, dataType: Din91379DataType = 'B') {
  return z
    .string()
    .superRefine(domainRule((value) => textViolation(value, { maxLength, dataType })))
    .transform(normalizedText)
    .describe(`text, at most ${maxLength} characters, ${din91379Description(dataType)}`);
}

/** A name of a natural person (family name, given names): DIN 91379 data type A. */
export function personNameField(maxLength: number) {
  return textField(maxLength, 'A');
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
    street: z.string().describe(`at most 100 characters, ${din91379Description('B')}`),
    houseNumber: z.string().describe(`at most 10 characters, ${din91379Description('B')}`),
    postalCode: z.string().describe('Postleitzahl, 5 digits, one that exists'),
    city: z.string().describe(`at most 100 characters, ${din91379Description('B')}`),
    municipalityKey: z.string().describe('AGS of the municipality'),
  })
  .superRefine(domainRules((address) => postalAddressViolations(address, '')))
  .transform(normalizedPostalAddress)
  .describe(`Anschrift; street, houseNumber and city ${din91379Description('B')}; postalCode a Postleitzahl of the Deutsche Post list`);

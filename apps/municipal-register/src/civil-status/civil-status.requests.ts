import { z } from 'zod';
import { birthPlausibilityViolations } from '@regsync/register-domain/plausibility-checks';
import { domainRules, idnrField, pastDateField, personNameField, postalAddressField, sexField, textField } from '@regsync/service-runtime/agency-api';

/** Beurkundung of a birth; residence is the parents' address in this municipality. */
export const recordBirthRequest = z.object({
  birthRegistrationId: z
    .string()
    .optional()
    .describe(
      "The Standesamt's number of the Geburtenregister entry, <AGS>-G-<year>-<6 digits>: a birth with a number already recorded is refused " +
        '(409 birth-already-recorded), so a retry never registers the child twice. Without it regsync numbers the birth itself.',
    ),
  familyName: personNameField(100),
  givenNames: personNameField(200),
  sex: sexField,
  dateOfBirth: pastDateField,
  placeOfBirth: textField(100),
  parentIdnrs: z.array(idnrField).max(2, 'at most 2 parents').default([]),
  residence: postalAddressField,
}).superRefine(domainRules(birthPlausibilityViolations));

export const recordNameChangeRequest = z.object({
  idnr: idnrField,
  familyName: personNameField(100),
  givenNames: personNameField(200),
  reason: z.enum(['MARRIAGE', 'DIVORCE', 'NAME_DECLARATION', 'COURT_DECISION', 'OTHER']),
  maritalStatus: z.enum(['SINGLE', 'MARRIED', 'DIVORCED', 'WIDOWED', 'CIVIL_PARTNERSHIP']).nullable().default(null),
  effectiveOn: pastDateField,
});

export const recordDeathRequest = z.object({
  idnr: idnrField,
  dateOfDeath: pastDateField,
  placeOfDeath: textField(100),
});

/** OpenAPI examples, one per request. */
export const recordBirthExample: z.input<typeof recordBirthRequest> = {
  birthRegistrationId: '03404000-G-2026-000001',
  familyName: 'Schmidt',
  givenNames: 'Lena',
  sex: 'FEMALE',
  dateOfBirth: '2026-01-15',
  placeOfBirth: 'Osnabrück',
  parentIdnrs: ['36574261809'],
  residence: { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
};
export const recordNameChangeExample: z.input<typeof recordNameChangeRequest> = {
  idnr: '36574261809',
  familyName: 'Müller',
  givenNames: 'Anna',
  reason: 'MARRIAGE',
  maritalStatus: 'MARRIED',
  effectiveOn: '2024-06-01',
};
export const recordDeathExample: z.input<typeof recordDeathRequest> = { idnr: '36574261809', dateOfDeath: '2025-11-02', placeOfDeath: 'Osnabrück' };

export type RecordBirthRequest = z.output<typeof recordBirthRequest>;
export type RecordNameChangeRequest = z.output<typeof recordNameChangeRequest>;
export type RecordDeathRequest = z.output<typeof recordDeathRequest>;

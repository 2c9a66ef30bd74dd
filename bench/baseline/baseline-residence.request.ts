import { z } from 'zod';
import { residencePlausibilityViolations } from '@regsync/register-domain/plausibility-checks';
import { domainRules, idnrField, pastDateField, personNameField, postalAddressField, sexField } from '@regsync/service-runtime/agency-api';

/**
 * The baseline team's Anmeldung body: the same fields and the same rules as regsync's `POST /residences` (the field
 * rules of service-runtime and register-domain's plausibility), so both fronts refuse and accept the same requests.
 */
export const baselineResidenceRequest = z
  .object({
    idnr: idnrField,
    familyName: personNameField(100),
    givenNames: personNameField(200),
    sex: sexField,
    dateOfBirth: pastDateField,
    address: postalAddressField,
    movedInOn: pastDateField,
    previousAddress: postalAddressField.nullable().default(null),
    dwellingStatus: z.enum(['HAUPTWOHNUNG', 'NEBENWOHNUNG']).default('HAUPTWOHNUNG'),
  })
  .superRefine(domainRules(residencePlausibilityViolations));

export type BaselineResidenceRequest = z.output<typeof baselineResidenceRequest>;

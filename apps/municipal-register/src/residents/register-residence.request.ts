import { z } from 'zod';
import type { DwellingStatus } from '@regsync/contracts/generated/events';
import { residencePlausibilityViolations } from '@regsync/register-domain/plausibility-checks';
import { domainRules, idnrField, pastDateField, personNameField, postalAddressField, sexField } from '@regsync/service-runtime/agency-api';

/** Anmeldung at this municipality: the one form the citizen fills in when moving here. */
export const registerResidenceRequest = z.object({
  idnr: idnrField,
  familyName: personNameField(100),
  givenNames: personNameField(200),
  sex: sexField,
  dateOfBirth: pastDateField,
  address: postalAddressField,
  movedInOn: pastDateField,
  /** The address moved away from; its municipality gets the Rückmeldung. null: moved in from abroad. */
  previousAddress: postalAddressField.nullable().default(null),
  dwellingStatus: z
    .enum(['HAUPTWOHNUNG', 'NEBENWOHNUNG'] as const satisfies readonly DwellingStatus[])
    .default('HAUPTWOHNUNG')
    .describe('Wohnungsstatus of the new address (§ 21 BMG; § 22 BMG decides which dwelling is the main one): HAUPTWOHNUNG (also a sole dwelling) or NEBENWOHNUNG'),
}).superRefine(domainRules(residencePlausibilityViolations));

export type RegisterResidenceRequest = z.output<typeof registerResidenceRequest>;

/** The OpenAPI example: Anna Schmidt moves from Dresden to Osnabrück. */
export const registerResidenceExample: z.input<typeof registerResidenceRequest> = {
  idnr: '36574261809',
  familyName: 'Schmidt',
  givenNames: 'Anna',
  sex: 'FEMALE',
  dateOfBirth: '1990-03-14',
  address: { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
  movedInOn: '2018-04-01',
  previousAddress: { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' },
  dwellingStatus: 'HAUPTWOHNUNG',
};

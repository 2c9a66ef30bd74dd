import { z } from 'zod';
import { idnrField, pastDateField, postalAddressField } from '@regsync/service-runtime/agency-api';

/** Anmeldung of a Nebenwohnung in this municipality (§ 21 BMG). */
export const registerSecondaryResidenceRequest = z.object({
  idnr: idnrField,
  address: postalAddressField,
  movedInOn: pastDateField,
});

export type RegisterSecondaryResidenceRequest = z.output<typeof registerSecondaryResidenceRequest>;

export const registerSecondaryResidenceExample: z.input<typeof registerSecondaryResidenceRequest> = {
  idnr: '36574261809',
  address: { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
  movedInOn: '2026-11-01',
};

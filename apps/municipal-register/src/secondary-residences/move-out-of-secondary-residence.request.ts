import { z } from 'zod';
import { pastDateField, postalAddressField } from '@regsync/service-runtime/agency-api';

/** Abmeldung of a Nebenwohnung here (§ 17 Abs. 2 BMG): the dwelling, as it was registered, and the day moved out. */
export const moveOutOfSecondaryResidenceRequest = z.object({
  address: postalAddressField,
  movedOutOn: pastDateField,
});

export type MoveOutOfSecondaryResidenceRequest = z.output<typeof moveOutOfSecondaryResidenceRequest>;

export const moveOutOfSecondaryResidenceExample: z.input<typeof moveOutOfSecondaryResidenceRequest> = {
  address: { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
  movedOutOn: '2026-11-30',
};

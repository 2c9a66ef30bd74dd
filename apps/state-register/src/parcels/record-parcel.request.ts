import { z } from 'zod';
import { agsField, idnrField, parcelIdField, textField } from '@regsync/service-runtime/agency-api';

/** A Fortführung of the cadastre: a new Flurstück, or new area, usage or owners of a known one. */
export const recordParcelRequest = z.object({
  parcelId: parcelIdField,
  municipalityKey: agsField,
  areaSquareMetres: z.number().int('must be whole square metres').positive('must be positive').max(1e10, 'must be at most 10^10'),
  usage: textField(100),
  ownerIdnrs: z.array(idnrField).max(100, 'at most 100 owners'),
  /** Required when the parcel is already recorded. */
  changeReason: textField(200).nullable().default(null),
});

export type RecordParcelRequest = z.output<typeof recordParcelRequest>;

/** The OpenAPI example: a change of usage and owners of a Flurstück in Dresden. */
export const recordParcelExample: z.input<typeof recordParcelRequest> = {
  parcelId: '14612300100012______',
  municipalityKey: '14612000',
  areaSquareMetres: 812,
  usage: 'Wohnbaufläche',
  ownerIdnrs: ['36574261809', '12345678995'],
  changeReason: 'Eigentumsübergang',
};

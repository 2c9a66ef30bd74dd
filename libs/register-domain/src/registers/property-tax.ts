import type { ParcelChanged, ParcelLeftMunicipality } from '@regsync/contracts/generated/events';
import type { Parcel } from './parcels';

/** One parcel in a municipality's Grundsteuer (property-tax) roll: the tax base the cadastre reports, its facts as the cadastre transfers them. */
export type PropertyTaxEntry = Omit<Parcel, 'erasedOwnerIdnrs'>;

/** What the roll receives of ParcelRecorded / ParcelChanged (changeReason only with a change). */
export type ParcelForPropertyTax = Pick<ParcelChanged, 'parcelId' | 'municipalityKey' | 'areaSquareMetres' | 'usage' | 'ownerIdnrs'> & { changeReason?: string };

/** The roll takes over the cadastre's facts as they are: no owner is asked for a declaration. */
export function applyParcelToPropertyTax(existing: PropertyTaxEntry | undefined, parcel: ParcelForPropertyTax): PropertyTaxEntry {
  return {
    parcelId: parcel.parcelId,
    municipalityKey: parcel.municipalityKey,
    areaSquareMetres: parcel.areaSquareMetres,
    usage: parcel.usage,
    ownerIdnrs: parcel.ownerIdnrs,
    lastChangeReason: parcel.changeReason ?? existing?.lastChangeReason ?? null,
  };
}

export type ParcelLeftForPropertyTax = Pick<ParcelLeftMunicipality, 'parcelId' | 'fromMunicipalityKey' | 'toMunicipalityKey' | 'changeReason'>;

/**
 * The parcel now lies in another municipality: this roll stops taxing it (the new municipality's roll takes it over
 * from ParcelChanged), so it is never taxed twice. False when the roll does not hold it: nothing to drop.
 */
export function dropsParcel(existing: PropertyTaxEntry | undefined, left: ParcelLeftForPropertyTax, municipalityKey: string): boolean {
  return existing !== undefined && left.fromMunicipalityKey === municipalityKey && existing.municipalityKey === municipalityKey;
}

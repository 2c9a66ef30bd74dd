import type { RegisterRestatement } from '@regsync/data-protection/register-restatements';

type CurrentParcel = {
  parcelId: string;
  municipalityKey: string;
  areaSquareMetres: string;
  usage: string;
  ownerIdnrs: string[];
};

/** Drift repair of `parcel.tax-base`: the Liegenschaftskataster restates the current facts of its parcels. */
export const parcelRestatement: RegisterRestatement<CurrentParcel, 'ParcelRestated'> = {
  dataset: 'parcel.tax-base',
  eventType: 'ParcelRestated',
  register: 'LIEGENSCHAFTSKATASTER',
  subjectKind: 'PARCEL',
  heldSql: 'select authority_key, parcel_id as subject_id from parcels where parcel_id = any($1::text[])',
  // Locked, so a change committing meanwhile goes out after the restatement, with the next subject version.
  currentSql: `
    select parcel_id as "parcelId", municipality_key as "municipalityKey", area_square_metres::text as "areaSquareMetres", usage, owner_idnrs as "ownerIdnrs"
      from parcels
     where parcel_id = any($1::text[])
     order by parcel_id
       for update`,
  subjectOf: (parcel) => parcel.parcelId,
  payloadOf: (parcel) => ({ ...parcel, areaSquareMetres: Number(parcel.areaSquareMetres) }),
};

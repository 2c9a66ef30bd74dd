import type { RegisterSnapshotSource } from '@regsync/observability/register-snapshot-source';

/**
 * The Liegenschaftskataster in the ops dashboard's drift check: authoritative for the tax base of every parcel of
 * the Land, scoped by the parcel's municipality so each property-tax roll is compared with its own parcels.
 */
export function parcelsDrift(): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'parcel.tax-base',
      register: 'LIEGENSCHAFTSKATASTER',
      authoritative: true,
      sql: `
        select parcel_id as subject_id, municipality_key as scope, area_square_metres::text as area_square_metres, usage,
               array(select owner from jsonb_array_elements_text(owner_idnrs) as owner order by owner) as owner_idnrs
        from parcels`,
    },
  ];
}

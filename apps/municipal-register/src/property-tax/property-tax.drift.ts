import type { RegisterSnapshotSource } from '@regsync/observability/register-snapshot-source';

/** The Grundsteuer roll in the ops dashboard's drift check: a replica of the cadastre's parcels in this municipality. */
export function propertyTaxDrift(municipalityKey: string): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'parcel.tax-base',
      register: 'GRUNDSTEUER',
      authoritative: false,
      replicaScope: municipalityKey,
      sql: `
        select parcel_id as subject_id, area_square_metres::text as area_square_metres, usage,
               array(select owner from jsonb_array_elements_text(owner_idnrs) as owner order by owner) as owner_idnrs
        from property_tax_entries`,
    },
  ];
}

import type { RegisterSnapshotSource } from '@regsync/observability/register-snapshot-source';
import { driftSql } from '@regsync/persistence/register-store/table-descriptor';
import { parcelsTable } from '@regsync/persistence/register-tables/parcel-facts.table';

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
      sql: driftSql(parcelsTable, { compared: ['areaSquareMetres', 'usage', 'ownerIdnrs'], scope: 'municipalityKey' }),
    },
  ];
}

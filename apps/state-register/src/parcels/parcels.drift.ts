import type { RegisterSnapshotSource } from '@regsync/observability/register-drift-check';
import { driftSql } from '@regsync/persistence/register-storage';
import { parcelsTable } from '@regsync/persistence/register-table-catalog';

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

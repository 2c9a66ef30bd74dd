import type { RegisterSnapshotSource } from '@regsync/observability/register-drift-check';
import { driftSql } from '@regsync/persistence/register-storage';
import { propertyTaxEntriesTable } from '@regsync/persistence/register-table-catalog';

/** The Grundsteuer roll in the ops dashboard's drift check: a replica of the cadastre's parcels in this municipality. */
export function propertyTaxDrift(municipalityKey: string): RegisterSnapshotSource[] {
  return [
    {
      dataset: 'parcel.tax-base',
      register: 'GRUNDSTEUER',
      authoritative: false,
      replicaScope: municipalityKey,
      sql: driftSql(propertyTaxEntriesTable, { compared: ['areaSquareMetres', 'usage', 'ownerIdnrs'] }),
    },
  ];
}

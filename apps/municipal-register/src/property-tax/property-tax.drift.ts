import type { RegisterSnapshotSource } from '@regsync/observability/register-snapshot-source';
import { driftSql } from '@regsync/persistence/register-store/table-descriptor';
import { propertyTaxEntriesTable } from '@regsync/persistence/register-tables/parcel-facts.table';

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

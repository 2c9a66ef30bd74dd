import type { Parcel } from '@regsync/register-domain/registers/parcels';
import type { PropertyTaxEntry } from '@regsync/register-domain/registers/property-tax';
import { bigintNumber, nullable, stringSet, text } from '../register-store/columns';
import { defineTable, type TableDescriptor } from '../register-store/table-descriptor';

/**
 * A parcel's facts as the cadastre transfers them and as each property-tax roll takes them over: the same columns in
 * the Liegenschaftskataster (`parcels`, state register) and the Grundsteuer roll (`property_tax_entries`, municipal).
 */
const parcelFactsColumns = {
  parcelId: text('parcel_id'),
  municipalityKey: text('municipality_key'),
  areaSquareMetres: bigintNumber('area_square_metres'),
  usage: text('usage'),
  ownerIdnrs: stringSet('owner_idnrs'),
  lastChangeReason: nullable(text('last_change_reason')),
};
const stamps = { updatedAt: { name: 'updated_at', on: 'write' as const } };

/**
 * The statement both tables were first created with (their first migrations, history: a later column comes with a
 * migration of its own, and each app's register-tables test compares the migrated table with its descriptor).
 */
export function parcelFactsTableCreation(table: 'parcels' | 'property_tax_entries'): string {
  return `
    create table ${table} (
      parcel_id text primary key,
      municipality_key text not null,
      area_square_metres bigint not null,
      usage text not null,
      owner_idnrs jsonb not null,
      last_change_reason text,
      updated_at timestamptz not null default now()
    )`;
}

/** The cadastre also keeps the owners it no longer transfers (erased persons it must keep by law). */
export const parcelsTable: TableDescriptor<Parcel, 'updatedAt'> = defineTable<Parcel, 'updatedAt'>({
  table: 'parcels',
  key: ['parcelId'],
  columns: { ...parcelFactsColumns, erasedOwnerIdnrs: stringSet('erased_owner_idnrs') },
  stamps,
});
export const propertyTaxEntriesTable: TableDescriptor<PropertyTaxEntry, 'updatedAt'> = defineTable<PropertyTaxEntry, 'updatedAt'>({
  table: 'property_tax_entries',
  key: ['parcelId'],
  columns: parcelFactsColumns,
  stamps,
});

import type { Parcel, PropertyTaxEntry } from '@regsync/register-domain/register-rules';
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

/** The cadastre also keeps the owners it no longer transfers (erased persons it must keep by law). */
export const parcelsTable: TableDescriptor<Parcel, 'updatedAt'> = defineTable<Parcel, 'updatedAt'>({
  table: 'parcels',
  key: ['parcelId'],
  columns: { ...parcelFactsColumns, erasedOwnerIdnrs: stringSet('erased_owner_idnrs') },
  stamps,
  // No period runs: a parcel is kept while it is current, with the owners it no longer transfers.
  personRecords: { register: 'LIEGENSCHAFTSKATASTER', of: { listedIn: ['ownerIdnrs', 'erasedOwnerIdnrs'] }, records: [{ recordKind: 'parcel (Flurstück) with its owners', startedAt: 'null::timestamptz' }] },
});
export const propertyTaxEntriesTable: TableDescriptor<PropertyTaxEntry, 'updatedAt'> = defineTable<PropertyTaxEntry, 'updatedAt'>({
  table: 'property_tax_entries',
  key: ['parcelId'],
  columns: parcelFactsColumns,
  stamps,
  personRecords: { register: 'GRUNDSTEUER', of: { listedIn: ['ownerIdnrs'] }, records: [{ recordKind: 'parcel on the roll (owner IdNrs, area, usage)', startedAt: 'null::timestamptz' }] },
});

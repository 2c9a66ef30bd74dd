import type { Parcel } from '@regsync/register-domain/registers/parcels';
import type { PropertyTaxEntry } from '@regsync/register-domain/registers/property-tax';
import { bigintNumber, nullable, stringSet, text } from '../register-store/columns';
import { defineTable, type TableDescriptor } from '../register-store/table-descriptor';

/**
 * A parcel's facts as the cadastre keeps them and as each property-tax roll takes them over: the same columns in the
 * Liegenschaftskataster (`parcels`, state register) and the Grundsteuer roll (`property_tax_entries`, municipal).
 */
function parcelFactsTable(table: string): TableDescriptor<Parcel, 'updatedAt'> {
  return defineTable<Parcel, 'updatedAt'>({
    table,
    key: ['parcelId'],
    columns: {
      parcelId: text('parcel_id'),
      municipalityKey: text('municipality_key'),
      areaSquareMetres: bigintNumber('area_square_metres'),
      usage: text('usage'),
      ownerIdnrs: stringSet('owner_idnrs'),
      lastChangeReason: nullable(text('last_change_reason')),
    },
    stamps: { updatedAt: { name: 'updated_at', on: 'write' } },
  });
}

export const parcelsTable: TableDescriptor<Parcel, 'updatedAt'> = parcelFactsTable('parcels');
export const propertyTaxEntriesTable: TableDescriptor<PropertyTaxEntry, 'updatedAt'> = parcelFactsTable('property_tax_entries');

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PropertyTaxEntry } from '@regsync/register-domain/registers/property-tax';

/** A parcel in the municipality's Grundsteuer (property-tax) roll. */
@Entity({ name: 'property_tax_entries' })
export class PropertyTaxEntryEntity implements PropertyTaxEntry {
  @PrimaryColumn({ name: 'parcel_id', type: 'text' })
  parcelId!: string;

  @Column({ name: 'municipality_key', type: 'text' })
  municipalityKey!: string;

  @Column({ name: 'area_square_metres', type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  areaSquareMetres!: number;

  @Column({ type: 'text' })
  usage!: string;

  @Column({ name: 'owner_idnrs', type: 'jsonb' })
  ownerIdnrs!: string[];

  @Column({ name: 'last_change_reason', type: 'text', nullable: true })
  lastChangeReason!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

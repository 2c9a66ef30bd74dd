import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Parcel } from '@regsync/register-domain/registers/parcels';

/** A Flurstück in the Liegenschaftskataster (cadastre) of this Land. */
@Entity({ name: 'parcels' })
export class ParcelEntity implements Parcel {
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

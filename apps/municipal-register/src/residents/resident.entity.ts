import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Address, DwellingStatus, MaritalStatus, Sex } from '@regsync/contracts/generated/events';
import type { Resident, ResidentStatus } from '@regsync/register-domain/registers/residents';

/** A row of the Melderegister (residents register). Dates are `date` columns, read as YYYY-MM-DD. */
@Entity({ name: 'residents' })
export class ResidentEntity implements Resident {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text', nullable: true })
  idnr!: string | null;

  @Column({ name: 'birth_registration_id', type: 'text', nullable: true })
  birthRegistrationId!: string | null;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  @Column({ name: 'given_names', type: 'text' })
  givenNames!: string;

  @Column({ type: 'text' })
  sex!: Sex;

  @Column({ name: 'date_of_birth', type: 'date' })
  dateOfBirth!: string;

  @Column({ name: 'place_of_birth', type: 'text', nullable: true })
  placeOfBirth!: string | null;

  @Column({ type: 'jsonb' })
  address!: Address;

  @Column({ name: 'dwelling_status', type: 'text' })
  dwellingStatus!: DwellingStatus;

  @Column({ name: 'moved_in_on', type: 'date' })
  movedInOn!: string;

  @Column({ type: 'text' })
  status!: ResidentStatus;

  @Column({ name: 'moved_out_on', type: 'date', nullable: true })
  movedOutOn!: string | null;

  @Column({ name: 'moved_out_to', type: 'text', nullable: true })
  movedOutTo!: string | null;

  @Column({ name: 'marital_status', type: 'text', nullable: true })
  maritalStatus!: MaritalStatus | null;

  @Column({ name: 'date_of_death', type: 'date', nullable: true })
  dateOfDeath!: string | null;

  @Column({ name: 'place_of_death', type: 'text', nullable: true })
  placeOfDeath!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

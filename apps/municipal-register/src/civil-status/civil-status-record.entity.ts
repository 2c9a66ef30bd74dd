import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MaritalStatus, Sex } from '@regsync/contracts/generated/events';
import type { CivilStatus, CivilStatusRecord, NameHistoryEntry } from '@regsync/register-domain/registers/civil-status';

/** A row of the Personenstandsregister (civil status register) kept by this municipality's Standesamt. */
@Entity({ name: 'civil_status_records' })
export class CivilStatusRecordEntity implements CivilStatusRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'birth_registration_id', type: 'text', nullable: true })
  birthRegistrationId!: string | null;

  @Column({ type: 'text', nullable: true })
  idnr!: string | null;

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

  @Column({ name: 'parent_idnrs', type: 'jsonb' })
  parentIdnrs!: string[];

  @Column({ name: 'marital_status', type: 'text', nullable: true })
  maritalStatus!: MaritalStatus | null;

  @Column({ type: 'text' })
  status!: CivilStatus;

  @Column({ name: 'date_of_death', type: 'date', nullable: true })
  dateOfDeath!: string | null;

  @Column({ name: 'place_of_death', type: 'text', nullable: true })
  placeOfDeath!: string | null;

  @Column({ name: 'name_history', type: 'jsonb' })
  nameHistory!: NameHistoryEntry[];

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

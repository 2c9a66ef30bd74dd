import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Address, Sex } from '@regsync/contracts/generated/events';
import type { BaseDataStatus, IdnrBaseData } from '@regsync/register-domain/registers/idnr-base-data';

/** The BZSt's base data of one IdNr (§ 139b Abs. 3 AO). The primary key is what makes every IdNr unique. */
@Entity({ name: 'idnr_base_data' })
export class IdnrBaseDataEntity implements IdnrBaseData {
  @PrimaryColumn({ type: 'text' })
  idnr!: string;

  @Column({ name: 'birth_registration_id', type: 'text', nullable: true })
  birthRegistrationId!: string | null;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  @Column({ name: 'given_names', type: 'text' })
  givenNames!: string;

  @Column({ name: 'previous_family_names', type: 'jsonb' })
  previousFamilyNames!: string[];

  @Column({ type: 'text' })
  sex!: Sex;

  @Column({ name: 'date_of_birth', type: 'date' })
  dateOfBirth!: string;

  @Column({ name: 'place_of_birth', type: 'text', nullable: true })
  placeOfBirth!: string | null;

  @Column({ type: 'jsonb' })
  address!: Address;

  @Column({ name: 'moved_in_on', type: 'date', nullable: true })
  movedInOn!: string | null;

  @Column({ type: 'text' })
  status!: BaseDataStatus;

  @Column({ name: 'date_of_death', type: 'date', nullable: true })
  dateOfDeath!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

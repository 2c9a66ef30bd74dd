import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Address, DwellingStatus, MaritalStatus, Sex } from '@regsync/contracts/generated/events';
import type { StateResident, StateResidentStatus } from '@regsync/register-domain/registers/state-residents';

/** A row of the Landesmelderegister (the Land's mirror of its municipalities' residents). */
@Entity({ name: 'state_residents' })
export class StateResidentEntity implements StateResident {
  @PrimaryColumn({ type: 'text' })
  idnr!: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  @Column({ name: 'given_names', type: 'text' })
  givenNames!: string;

  @Column({ type: 'text' })
  sex!: Sex;

  @Column({ name: 'date_of_birth', type: 'date' })
  dateOfBirth!: string;

  @Column({ type: 'jsonb' })
  address!: Address;

  @Column({ name: 'dwelling_status', type: 'text', nullable: true })
  dwellingStatus!: DwellingStatus | null;

  @Column({ name: 'moved_in_on', type: 'date', nullable: true })
  movedInOn!: string | null;

  @Column({ type: 'text' })
  status!: StateResidentStatus;

  @Column({ name: 'moved_away_to', type: 'text', nullable: true })
  movedAwayTo!: string | null;

  @Column({ name: 'moved_away_on', type: 'date', nullable: true })
  movedAwayOn!: string | null;

  @Column({ name: 'marital_status', type: 'text', nullable: true })
  maritalStatus!: MaritalStatus | null;

  @Column({ name: 'date_of_death', type: 'date', nullable: true })
  dateOfDeath!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

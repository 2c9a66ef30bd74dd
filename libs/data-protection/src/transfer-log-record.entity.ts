import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One transfer of personal data to a register of this instance (§ 9 IDNrG): who sent which fields about whom, why. */
@Entity({ name: 'transfer_log' })
export class TransferLogRecord {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'correlation_id', type: 'text' })
  correlationId!: string;

  /** null while the subject has no IdNr yet (a newborn); filled in when the IdNr is assigned. */
  @Column({ type: 'text', nullable: true })
  idnr!: string | null;

  @Column({ name: 'subject_id', type: 'text' })
  subjectId!: string;

  @Column({ name: 'sender_level', type: 'text' })
  senderLevel!: string;

  @Column({ name: 'sender_instance', type: 'text' })
  senderInstance!: string;

  @Column({ name: 'sender_register', type: 'text' })
  senderRegister!: string;

  @Column({ name: 'recipient_level', type: 'text' })
  recipientLevel!: string;

  @Column({ name: 'recipient_instance', type: 'text' })
  recipientInstance!: string;

  @Column({ name: 'recipient_register', type: 'text' })
  recipientRegister!: string;

  @Column({ type: 'text', array: true })
  fields!: string[];

  @Column({ name: 'legal_basis', type: 'text' })
  legalBasis!: string;

  @Column({ type: 'text' })
  purpose!: string;

  /** Who had the sender restate its data (a drift repair); null for every other transfer. */
  @Column({ name: 'requested_by', type: 'text', nullable: true })
  requestedBy!: string | null;

  @Column({ name: 'transferred_at', type: 'timestamptz' })
  transferredAt!: Date;
}

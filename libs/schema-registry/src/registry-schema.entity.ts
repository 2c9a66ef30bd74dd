import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A schema under its global id; the same schema registered under several subjects is stored once. */
@Entity('schemas')
export class RegistrySchemaEntity {
  /** Confluent schema id, written into every message (bytes 1–4); assigned densely from 1, never reused. */
  @PrimaryColumn('int')
  id!: number;

  @Column('text', { name: 'schema_type' })
  schemaType!: string;

  /** The schema text as first registered, returned unchanged to clients. */
  @Column('text')
  schema!: string;

  /** SHA-256 of the canonical form (see avro-schema.ts): finds an already registered schema. */
  @Column('text', { unique: true })
  fingerprint!: string;

  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;
}

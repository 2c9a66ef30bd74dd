import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** Version N of a subject points to a schema id; deleting a subject marks its versions, numbers are never reused. */
@Entity('subject_versions')
export class SubjectVersionEntity {
  @PrimaryColumn('text')
  subject!: string;

  @PrimaryColumn('int')
  version!: number;

  @Column('int', { name: 'schema_id' })
  schemaId!: number;

  /** Soft delete (Confluent's default): hidden from reads, still counted when numbering new versions. */
  @Column('boolean', { default: false })
  deleted!: boolean;

  @CreateDateColumn({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;
}

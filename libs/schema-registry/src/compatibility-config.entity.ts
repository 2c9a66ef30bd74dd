import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CompatibilityLevel } from '@regsync/contracts/registry-protocol';

/** The empty subject holds the global level; Confluent subject names are never empty. */
export const GLOBAL_CONFIG_SUBJECT = '';

/** The compatibility level of one subject, or the global one. */
@Entity('compatibility_configs')
export class CompatibilityConfigEntity {
  @PrimaryColumn('text')
  subject!: string;

  @Column('text', { name: 'compatibility_level' })
  compatibilityLevel!: CompatibilityLevel;
}

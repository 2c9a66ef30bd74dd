import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RegistryMode } from './registry-modes';

/** The mode of one subject, or the global one (subject GLOBAL_CONFIG_SUBJECT). */
@Entity('modes')
export class RegistryModeEntity {
  @PrimaryColumn('text')
  subject!: string;

  @Column('text')
  mode!: RegistryMode;
}

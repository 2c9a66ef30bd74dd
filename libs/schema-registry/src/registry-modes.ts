import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { GLOBAL_CONFIG_SUBJECT } from './compatibility-config.entity';
import { RegistryError } from './registry-error';
import { RegistryModeEntity } from './registry-mode.entity';

/**
 * Confluent's modes: READWRITE (the default), READONLY (no registration, deletion or config change), READONLY_OVERRIDE
 * (set globally, read-only for every subject whatever its own mode). IMPORT (registering with given ids) is not offered.
 */
export const REGISTRY_MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE'] as const;
export type RegistryMode = (typeof REGISTRY_MODES)[number];

const DEFAULT_MODE: RegistryMode = 'READWRITE';

@Injectable()
export class RegistryModes {
  constructor(private readonly dataSource: DataSource) {}

  /** The subject's own mode; with defaultToGlobal the one in force for it. The global mode for GLOBAL_CONFIG_SUBJECT. */
  async modeOf(subject: string, defaultToGlobal: boolean): Promise<RegistryMode> {
    const rows = await this.rows(this.dataSource.manager, subject);
    if (rows.global?.mode === 'READONLY_OVERRIDE') return rows.global.mode;
    if (subject === GLOBAL_CONFIG_SUBJECT) return rows.global?.mode ?? DEFAULT_MODE;
    if (rows.own) return rows.own.mode;
    if (defaultToGlobal) return rows.global?.mode ?? DEFAULT_MODE;
    throw RegistryError.subjectLevelModeNotConfigured(subject);
  }

  /** Mode changes are always allowed (as in Confluent), so a registry never gets stuck in READONLY. */
  async setMode(subject: string, requested: unknown): Promise<RegistryMode> {
    const mode = typeof requested === 'string' ? (requested.toUpperCase() as RegistryMode) : undefined;
    if (mode === ('IMPORT' as RegistryMode)) throw RegistryError.invalidMode('IMPORT is not supported by this registry; valid values are READWRITE, READONLY, READONLY_OVERRIDE');
    if (!mode || !REGISTRY_MODES.includes(mode)) throw RegistryError.invalidMode('valid values are READWRITE, READONLY, READONLY_OVERRIDE');
    await this.dataSource.manager.upsert(RegistryModeEntity, { subject, mode }, ['subject']);
    return mode;
  }

  /** Removes a subject's own mode (the global one applies again) and answers the removed mode. */
  async deleteMode(subject: string): Promise<RegistryMode> {
    const own = await this.dataSource.manager.findOneBy(RegistryModeEntity, { subject });
    if (!own) throw RegistryError.subjectNotFound();
    await this.dataSource.manager.delete(RegistryModeEntity, { subject });
    return own.mode;
  }

  /** Refuses a change of the subject (or, for GLOBAL_CONFIG_SUBJECT, of the global config) while it is read-only. */
  async assertWritable(manager: EntityManager, subject: string): Promise<void> {
    const { own, global } = await this.rows(manager, subject);
    const mode = global?.mode === 'READONLY_OVERRIDE' ? global.mode : (own ?? global)?.mode;
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw RegistryError.readOnlyMode(subject);
  }

  private async rows(manager: EntityManager, subject: string): Promise<{ own?: RegistryModeEntity; global?: RegistryModeEntity }> {
    const rows = await manager.find(RegistryModeEntity, { where: [{ subject }, { subject: GLOBAL_CONFIG_SUBJECT }] });
    return { own: rows.find((row) => row.subject === subject && subject !== GLOBAL_CONFIG_SUBJECT), global: rows.find((row) => row.subject === GLOBAL_CONFIG_SUBJECT) };
  }
}

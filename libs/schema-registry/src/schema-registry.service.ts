import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { checkCompatibility, COMPATIBILITY_LEVELS, CompatibilityLevel, AvroSchemaJson, InvalidAvroSchemaError, ParsedAvroSchema, parseAvroSchemaText } from '@regsync/contracts/registry-protocol';
import { CompatibilityConfigEntity, GLOBAL_CONFIG_SUBJECT } from './compatibility-config.entity';
import { RegistryError } from './registry-error';
import { RegistryModes } from './registry-modes';
import { RegistrySchemaEntity } from './registry-schema.entity';
import { SubjectVersionEntity } from './subject-version.entity';

/** Like Confluent's registry: a subject without its own level and no global level set uses BACKWARD. */
const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD';

/**
 * Registrations and deletions run one at a time per database (transaction-scoped advisory lock), so two
 * registrations can never take the same version or id, nor both pass the compatibility check against the same latest.
 */
const REGISTRATION_LOCK = 8_081;

const MAX_VERSION = 2 ** 31 - 1;

/** Body of register, lookup and compatibility requests: `{"schema": "<Avro schema as JSON text>"}`. */
export interface SchemaRequest {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
}

/** One version of a subject as Confluent returns it; `schemaType` is omitted for AVRO. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
  schemaType?: string;
}

export interface CompatibilityCheck {
  is_compatible: boolean;
  messages?: string[];
}

interface StoredVersion {
  version: number;
  deleted: boolean;
  id: number;
  schema: string;
  schemaType: string;
  fingerprint: string;
}

interface SubmittedSchema {
  text: string;
  json: AvroSchemaJson;
  parsed: ParsedAvroSchema;
}

/** The registry's operations on its PostgreSQL tables; controllers only translate HTTP. */
@Injectable()
export class SchemaRegistryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly modes: RegistryModes,
  ) {}

  /** Subjects with a live version (with includeDeleted also those whose versions are all soft-deleted), optionally by prefix. */
  async subjects(includeDeleted: boolean, prefix = ''): Promise<string[]> {
    const rows: Array<{ subject: string }> = await this.dataSource.query(
      `select subject from subject_versions where starts_with(subject, $1) ${includeDeleted ? '' : 'and not deleted'} group by subject order by subject collate "C"`,
      [prefix],
    );
    return rows.map((row) => row.subject);
  }

  async versions(subject: string, includeDeleted: boolean): Promise<number[]> {
    const versions = await this.existingVersions(this.dataSource.manager, subject, includeDeleted);
    return versions.map((version) => version.version);
  }

  /** A version by number (soft-deleted ones with includeDeleted) or `latest`, which is always the latest live one, as in Confluent. */
  async version(subject: string, versionText: string, includeDeleted: boolean): Promise<SubjectVersion> {
    const wanted = parseVersion(versionText);
    const versions = await this.existingVersions(this.dataSource.manager, subject, includeDeleted);
    const found = wanted === 'latest' ? versions.filter((version) => !version.deleted).pop() : versions.find((version) => version.version === wanted);
    if (!found) throw RegistryError.versionNotFound();
    return subjectVersion(subject, found);
  }

  /** Registers a schema under a subject, or returns the id it already has there; refuses an incompatible one. */
  async register(subject: string, request: SchemaRequest): Promise<{ id: number }> {
    const submitted = readSchemaRequest(request);
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [REGISTRATION_LOCK]);
      const live = await this.liveVersions(manager, subject);
      const same = live.find((version) => version.fingerprint === submitted.parsed.fingerprint);
      // Like Confluent, a schema the subject already holds is answered even in read-only mode: a restarted writer still starts.
      if (same) return { id: same.id };
      await this.modes.assertWritable(manager, subject);

      const level = await this.effectiveLevel(manager, subject);
      const version = await this.nextVersion(manager, subject);
      const result = checkCompatibility(
        submitted.json,
        live.map((existing) => JSON.parse(existing.schema) as AvroSchemaJson),
        level,
        { candidate: `v${version}`, existing: live.map((existing) => `v${existing.version}`) },
      );
      if (!result.compatible) throw RegistryError.incompatibleSchema(subject, level, result.messages);

      const id = await this.schemaId(manager, submitted);
      await manager.insert(SubjectVersionEntity, { subject, version, schemaId: id });
      return { id };
    });
  }

  /** Finds the version under which a subject holds this schema (also a soft-deleted one with includeDeleted). */
  async lookup(subject: string, request: SchemaRequest, includeDeleted: boolean): Promise<SubjectVersion> {
    const submitted = readSchemaRequest(request);
    const versions = await this.existingVersions(this.dataSource.manager, subject, includeDeleted);
    const found = versions.filter((version) => version.fingerprint === submitted.parsed.fingerprint).pop();
    if (!found) throw RegistryError.schemaNotFound();
    return subjectVersion(subject, found);
  }

  async schemaById(idText: string): Promise<{ schema: string; schemaType?: string }> {
    const schema = await this.dataSource.manager.findOneBy(RegistrySchemaEntity, { id: parseSchemaId(idText) });
    if (!schema) throw RegistryError.schemaNotFound();
    return { schema: schema.schema, ...schemaTypeUnlessAvro(schema.schemaType) };
  }

  /** Where a schema id is used: every live subject version that points to it. */
  async subjectVersionsOfSchema(idText: string): Promise<Array<{ subject: string; version: number }>> {
    const id = parseSchemaId(idText);
    if (!(await this.dataSource.manager.existsBy(RegistrySchemaEntity, { id }))) throw RegistryError.schemaNotFound();
    return this.dataSource.query('select subject, version from subject_versions where schema_id = $1 and not deleted order by subject collate "C", version', [id]);
  }

  /** Soft delete hides every version; permanent delete (after a soft one) removes them and the subject's level. */
  async deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [REGISTRATION_LOCK]);
      await this.modes.assertWritable(manager, subject);
      const all = await manager.find(SubjectVersionEntity, { where: { subject }, order: { version: 'ASC' } });
      if (all.length === 0) throw RegistryError.subjectNotFound();
      const live = all.filter((version) => !version.deleted);
      if (permanent) {
        if (live.length > 0) throw RegistryError.subjectNotSoftDeleted(subject);
        await manager.delete(SubjectVersionEntity, { subject });
        await manager.delete(CompatibilityConfigEntity, { subject });
        return all.map((version) => version.version);
      }
      if (live.length === 0) throw RegistryError.subjectSoftDeleted(subject);
      await manager.update(SubjectVersionEntity, { subject, deleted: false }, { deleted: true });
      return live.map((version) => version.version);
    });
  }

  async deleteVersion(subject: string, versionText: string, permanent: boolean): Promise<number> {
    const wanted = parseVersion(versionText);
    return this.dataSource.transaction(async (manager) => {
      await manager.query('select pg_advisory_xact_lock($1)', [REGISTRATION_LOCK]);
      await this.modes.assertWritable(manager, subject);
      const all = await manager.find(SubjectVersionEntity, { where: { subject }, order: { version: 'ASC' } });
      if (all.length === 0) throw RegistryError.subjectNotFound();
      const target = wanted === 'latest' ? all.filter((version) => !version.deleted).pop() : all.find((version) => version.version === wanted);
      if (!target) throw RegistryError.versionNotFound();
      if (permanent) {
        if (!target.deleted) throw RegistryError.versionNotSoftDeleted(subject, target.version);
        await manager.delete(SubjectVersionEntity, { subject, version: target.version });
      } else {
        if (target.deleted) throw RegistryError.versionSoftDeleted(subject, target.version);
        await manager.update(SubjectVersionEntity, { subject, version: target.version }, { deleted: true });
      }
      return target.version;
    });
  }

  /**
   * Would this schema be accepted? Against one version (a number or `latest`) in the direction of the subject's level,
   * or, without a version, against all versions the level covers (as registration checks).
   */
  async testCompatibility(subject: string, versionText: string | undefined, request: SchemaRequest, verbose: boolean): Promise<CompatibilityCheck> {
    const submitted = readSchemaRequest(request);
    const wanted = versionText === undefined ? undefined : parseVersion(versionText);
    const manager = this.dataSource.manager;
    const live = await this.liveVersions(manager, subject);
    let against = live;
    if (wanted === 'latest') against = live.slice(-1);
    else if (wanted !== undefined) {
      if (live.length === 0) throw RegistryError.subjectNotFound();
      against = live.filter((version) => version.version === wanted);
      if (against.length === 0) throw RegistryError.versionNotFound();
    }
    const level = await this.effectiveLevel(manager, subject);
    const result = checkCompatibility(
      submitted.json,
      against.map((existing) => JSON.parse(existing.schema) as AvroSchemaJson),
      level,
      { candidate: 'candidate', existing: against.map((existing) => `v${existing.version}`) },
    );
    // Confluent lists messages only with ?verbose=true; listing them for a refusal too saves a second call.
    return verbose || !result.compatible ? { is_compatible: result.compatible, messages: result.messages } : { is_compatible: result.compatible };
  }

  async globalLevel(): Promise<CompatibilityLevel> {
    const own = await this.dataSource.manager.findOneBy(CompatibilityConfigEntity, { subject: GLOBAL_CONFIG_SUBJECT });
    return own?.compatibilityLevel ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  async subjectLevel(subject: string, defaultToGlobal: boolean): Promise<CompatibilityLevel> {
    const own = await this.dataSource.manager.findOneBy(CompatibilityConfigEntity, { subject });
    if (own) return own.compatibilityLevel;
    if (defaultToGlobal) return this.globalLevel();
    throw RegistryError.subjectLevelCompatibilityNotConfigured(subject);
  }

  /** Sets the level of a subject, or the global one for GLOBAL_CONFIG_SUBJECT; accepts any letter case. */
  async setLevel(subject: string, requested: unknown): Promise<CompatibilityLevel> {
    const level = typeof requested === 'string' ? (requested.toUpperCase() as CompatibilityLevel) : undefined;
    if (!level || !COMPATIBILITY_LEVELS.includes(level)) throw RegistryError.invalidCompatibilityLevel();
    await this.modes.assertWritable(this.dataSource.manager, subject);
    await this.dataSource.manager.upsert(CompatibilityConfigEntity, { subject, compatibilityLevel: level }, ['subject']);
    return level;
  }

  /** Removes a subject's own level (it falls back to the global one), or resets the global level to the default. */
  async deleteLevel(subject: string): Promise<CompatibilityLevel> {
    const own = await this.dataSource.manager.findOneBy(CompatibilityConfigEntity, { subject });
    if (!own && subject !== GLOBAL_CONFIG_SUBJECT) throw RegistryError.subjectNotFound();
    await this.modes.assertWritable(this.dataSource.manager, subject);
    await this.dataSource.manager.delete(CompatibilityConfigEntity, { subject });
    return own?.compatibilityLevel ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  private async effectiveLevel(manager: EntityManager, subject: string): Promise<CompatibilityLevel> {
    const rows = await manager.find(CompatibilityConfigEntity, { where: [{ subject }, { subject: GLOBAL_CONFIG_SUBJECT }] });
    const own = rows.find((row) => row.subject === subject) ?? rows.find((row) => row.subject === GLOBAL_CONFIG_SUBJECT);
    return own?.compatibilityLevel ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  private async liveVersions(manager: EntityManager, subject: string): Promise<StoredVersion[]> {
    return this.storedVersions(manager, subject, false);
  }

  private async storedVersions(manager: EntityManager, subject: string, includeDeleted: boolean): Promise<StoredVersion[]> {
    return manager.query(
      `select v.version, v.deleted, s.id, s.schema, s.schema_type as "schemaType", s.fingerprint
         from subject_versions v join schemas s on s.id = v.schema_id
        where v.subject = $1 ${includeDeleted ? '' : 'and not v.deleted'}
        order by v.version`,
      [subject],
    );
  }

  /** The subject's versions (soft-deleted ones too with includeDeleted); 40401 when there are none. */
  private async existingVersions(manager: EntityManager, subject: string, includeDeleted: boolean): Promise<StoredVersion[]> {
    const versions = await this.storedVersions(manager, subject, includeDeleted);
    if (versions.length === 0) throw RegistryError.subjectNotFound();
    return versions;
  }

  /** Numbers continue after soft-deleted versions, as in Confluent, so a version number never means two schemas. */
  private async nextVersion(manager: EntityManager, subject: string): Promise<number> {
    const [{ next }] = await manager.query('select coalesce(max(version), 0) + 1 as next from subject_versions where subject = $1', [subject]);
    return Number(next);
  }

  /** The id the same schema already has under any subject, or the next free one. */
  private async schemaId(manager: EntityManager, submitted: SubmittedSchema): Promise<number> {
    const known = await manager.findOneBy(RegistrySchemaEntity, { fingerprint: submitted.parsed.fingerprint });
    if (known) return known.id;
    const [{ next }] = await manager.query('select coalesce(max(id), 0) + 1 as next from schemas');
    const id = Number(next);
    await manager.insert(RegistrySchemaEntity, { id, schemaType: 'AVRO', schema: submitted.text, fingerprint: submitted.parsed.fingerprint });
    return id;
  }
}

function readSchemaRequest(request: SchemaRequest | undefined): SubmittedSchema {
  if (typeof request !== 'object' || request === null || typeof request.schema !== 'string') {
    throw RegistryError.invalidSchema('the body must be a JSON object with the schema as a JSON string in "schema" (content type application/vnd.schemaregistry.v1+json or application/json)');
  }
  if (request.schemaType !== undefined && request.schemaType !== null && request.schemaType !== 'AVRO') {
    throw RegistryError.invalidSchema(`schemaType ${JSON.stringify(request.schemaType)} is not supported; this registry holds AVRO schemas only`);
  }
  if (Array.isArray(request.references) && request.references.length > 0) {
    throw RegistryError.invalidSchema('schema references are not supported; embed the referenced types');
  }
  try {
    const parsed = parseAvroSchemaText(request.schema);
    return { text: request.schema, json: JSON.parse(request.schema) as AvroSchemaJson, parsed };
  } catch (error) {
    if (error instanceof InvalidAvroSchemaError) throw RegistryError.invalidSchema(error.message);
    throw error;
  }
}

/** `latest` (or Confluent's alias -1) or a version number from 1 to 2^31-1. */
function parseVersion(text: string): number | 'latest' {
  if (text === 'latest' || text === '-1') return 'latest';
  const version = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(version >= 1 && version <= MAX_VERSION)) throw RegistryError.invalidVersion(text);
  return version;
}

function parseSchemaId(text: string): number {
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(id >= 1 && id <= MAX_VERSION)) throw RegistryError.schemaNotFound();
  return id;
}

function subjectVersion(subject: string, found: StoredVersion): SubjectVersion {
  return { subject, version: found.version, id: found.id, schema: found.schema, ...schemaTypeUnlessAvro(found.schemaType) };
}

function schemaTypeUnlessAvro(schemaType: string): { schemaType?: string } {
  return schemaType === 'AVRO' ? {} : { schemaType };
}

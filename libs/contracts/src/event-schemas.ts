import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EVENT_TYPES, EventType } from './generated/events';

export interface AvroRecordSchema {
  type: 'record';
  name: string;
  namespace: string;
  doc?: string;
  fields: { name: string; type: unknown; default?: unknown; doc?: string }[];
  [attribute: string]: unknown;
}

/** One released schema file, e.g. schemas/person/residence-registered.v1.avsc. */
export interface EventSchemaVersion {
  eventType: EventType;
  fullName: string;
  version: number;
  file: string;
  schema: AvroRecordSchema;
}

const FILE_NAME = /^([a-z0-9-]+)\.v(\d+)\.avsc$/;

/** The repository's `schemas/` folder, found from the sources as well as from `dist/`. */
export function findSchemasDir(start: string = __dirname): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas', 'person'))) return join(dir, 'schemas');
  }
  throw new Error(`contracts: no schemas/ folder above ${start}`);
}

/** Every released version of every event schema, oldest version first per event type. */
export function loadSchemaVersions(schemasDir: string = findSchemasDir()): Map<EventType, EventSchemaVersion[]> {
  const byType = new Map<EventType, EventSchemaVersion[]>();
  for (const group of readdirSync(schemasDir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const file of readdirSync(join(schemasDir, group.name))) {
      const match = FILE_NAME.exec(file);
      if (!match) continue;
      const path = join(schemasDir, group.name, file);
      const schema = JSON.parse(readFileSync(path, 'utf8')) as AvroRecordSchema;
      const eventType = schema.name as EventType;
      if (!EVENT_TYPES.includes(eventType)) throw new Error(`contracts: ${path} defines ${schema.name}, which has no generated type (run npm run contracts:generate)`);
      const versions = byType.get(eventType) ?? [];
      versions.push({ eventType, fullName: `${schema.namespace}.${schema.name}`, version: Number(match[2]), file: path, schema });
      byType.set(eventType, versions);
    }
  }
  for (const versions of byType.values()) versions.sort((a, b) => a.version - b.version);
  return byType;
}

/** The version each event type is written with: its latest released schema. */
export function latestSchemas(schemasDir?: string): Map<EventType, EventSchemaVersion> {
  const latest = new Map<EventType, EventSchemaVersion>();
  for (const [eventType, versions] of loadSchemaVersions(schemasDir)) latest.set(eventType, versions[versions.length - 1]);
  return latest;
}

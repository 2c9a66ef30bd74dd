import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COMPATIBILITY_LEVELS, CompatibilityLevel, checkCompatibility } from './avro-compatibility';
import { EventSchemaVersion, findSchemasDir, loadSchemaVersions } from './event-schemas';

/** A schema may relax the default with `"regsync.compatibility": "BACKWARD"` (say why in its doc). */
const COMPATIBILITY_ATTRIBUTE = 'regsync.compatibility';
const DEFAULT_LEVEL: CompatibilityLevel = 'FULL_TRANSITIVE';
/** sha256 of every released schema file: released files never change, a new version is a new file. */
export const RELEASED_FILE = 'released.sha256';

export interface GateReport {
  passed: boolean;
  problems: string[];
  /** Schema files not yet listed in released.sha256 (new versions waiting for `--release`). */
  unreleased: string[];
  checked: number;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function readReleased(schemasDir: string): Map<string, string> {
  const path = join(schemasDir, RELEASED_FILE);
  const released = new Map<string, string>();
  if (!existsSync(path)) return released;
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    const [hash, file] = line.split(/\s+/);
    released.set(file, hash);
  }
  return released;
}

function levelOf(latest: EventSchemaVersion): CompatibilityLevel | string {
  return (latest.schema[COMPATIBILITY_ATTRIBUTE] as string | undefined) ?? DEFAULT_LEVEL;
}

/**
 * The compatibility gate: every version of every event schema must be readable by its neighbours under the
 * schema's level (FULL_TRANSITIVE unless it says otherwise), versions must be numbered 1..n without holes, and
 * released files must be unchanged.
 */
export function runSchemaGate(schemasDir: string = findSchemasDir()): GateReport {
  const problems: string[] = [];
  const unreleased: string[] = [];
  const released = readReleased(schemasDir);
  let checked = 0;
  for (const [eventType, versions] of loadSchemaVersions(schemasDir)) {
    versions.forEach((version, index) => {
      const file = relative(schemasDir, version.file);
      checked += 1;
      if (version.version !== index + 1) problems.push(`${file}: expected version ${index + 1} of ${eventType} (versions are numbered without holes)`);
      const hash = released.get(file);
      if (hash === undefined) unreleased.push(file);
      else if (hash !== sha256(version.file)) problems.push(`${file}: a released schema was edited; add a new version file instead`);
    });
    const latest = versions[versions.length - 1];
    const level = levelOf(latest);
    if (!(COMPATIBILITY_LEVELS as readonly string[]).includes(level)) {
      problems.push(`${relative(schemasDir, latest.file)}: unknown ${COMPATIBILITY_ATTRIBUTE} "${level}"`);
      continue;
    }
    for (let index = 1; index < versions.length; index++) {
      const result = checkCompatibility(
        versions[index].schema,
        versions.slice(0, index).map((earlier) => earlier.schema),
        level as CompatibilityLevel,
        { candidate: `v${versions[index].version}`, existing: versions.slice(0, index).map((earlier) => `v${earlier.version}`) },
      );
      problems.push(...result.messages.map((message) => `${relative(schemasDir, versions[index].file)} (${level}): ${message}`));
    }
  }
  return { passed: problems.length === 0, problems, unreleased, checked };
}

/** Lists every schema file in released.sha256; run once a new version has passed the gate and is released. */
export function releaseSchemas(schemasDir: string = findSchemasDir()): string[] {
  const released = readReleased(schemasDir);
  const added: string[] = [];
  for (const versions of loadSchemaVersions(schemasDir).values()) {
    for (const version of versions) {
      const file = relative(schemasDir, version.file);
      if (!released.has(file)) {
        released.set(file, sha256(version.file));
        added.push(file);
      }
    }
  }
  const lines = [...released.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([file, hash]) => `${hash}  ${file}`);
  writeFileSync(join(schemasDir, RELEASED_FILE), `${lines.join('\n')}\n`);
  return added;
}

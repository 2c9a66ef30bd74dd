import { Type, types } from 'avsc';
import { AvroSchemaJson, parseAvroSchema } from './avro-schema';

/** Confluent's compatibility levels: which earlier versions a new schema is checked against, and in which direction. */
export const COMPATIBILITY_LEVELS = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export interface CompatibilityResult {
  compatible: boolean;
  /** One line per failing reader/writer pair and field, e.g. `reader ResidenceRegistered (v2) cannot read data written by v1: field "x" has no default (v1 does not write it)`. */
  messages: string[];
}

export interface CompatibilityLabels {
  /** How messages name the candidate; default `v<existing.length + 1>`. */
  candidate?: string;
  /** How messages name each existing schema (same order); default `v1`, `v2`, ... */
  existing?: string[];
}

interface Version {
  label: string;
  type: Type;
}

/**
 * Checks a candidate schema against the existing versions of a subject (oldest first) under a compatibility level:
 * BACKWARD = the candidate reads data written with the latest version, FORWARD = the latest version reads data
 * written with the candidate, FULL = both; the *_TRANSITIVE levels check against every existing version.
 * Pure: throws InvalidAvroSchemaError for a schema avsc cannot parse.
 */
export function checkCompatibility(candidate: AvroSchemaJson, existing: AvroSchemaJson[], level: CompatibilityLevel, labels: CompatibilityLabels = {}): CompatibilityResult {
  const next: Version = { label: labels.candidate ?? `v${existing.length + 1}`, type: parseAvroSchema(candidate).type };
  const versions = existing.map((schema, index): Version => ({ label: labels.existing?.[index] ?? `v${index + 1}`, type: parseAvroSchema(schema).type }));
  const against = level.endsWith('_TRANSITIVE') ? versions : versions.slice(-1);
  const messages: string[] = [];
  for (const earlier of level === 'NONE' ? [] : against) {
    if (level.startsWith('BACKWARD') || level.startsWith('FULL')) messages.push(...readFailures(next, earlier));
    if (level.startsWith('FORWARD') || level.startsWith('FULL')) messages.push(...readFailures(earlier, next));
  }
  return { compatible: messages.length === 0, messages };
}

/** Why `reader` cannot read data written with `writer`, one message per broken field; empty when it can. */
function readFailures(reader: Version, writer: Version): string[] {
  if (canRead(reader.type, writer.type)) return [];
  const prefix = `reader ${shortName(reader.type)} (${reader.label}) cannot read data written by ${writer.label}: `;
  const reasons = new Explainer(reader.label, writer.label).explain(reader.type, writer.type, '');
  return (reasons.length > 0 ? reasons : [failureOf(reader.type, writer.type) ?? 'incompatible']).map((reason) => prefix + reason);
}

function canRead(reader: Type, writer: Type): boolean {
  return failureOf(reader, writer) === undefined;
}

function failureOf(reader: Type, writer: Type): string | undefined {
  try {
    reader.createResolver(writer, { ignoreNamespaces: true });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * avsc's resolver says only that a pair fails; this walks both schemas the way the resolver does
 * (records by field name and alias, unions by branch, promotions of primitives) and names each field that breaks.
 */
class Explainer {
  private readonly visited = new Set<string>();

  constructor(
    private readonly readerLabel: string,
    private readonly writerLabel: string,
  ) {}

  explain(reader: Type, writer: Type, path: string): string[] {
    if (canRead(reader, writer)) return [];
    if (isUnion(writer)) return writer.types.flatMap((branch) => this.explainWrittenBranch(reader, branch, path));
    if (isUnion(reader)) return this.explainIntoUnion(reader, writer, path);
    if (reader.typeName !== writer.typeName) return [`${where(path)} changed type: ${this.writerLabel} writes ${describe(writer)}, ${this.readerLabel} expects ${describe(reader)}`];
    if (isNamed(reader) && !hasCompatibleName(reader, writer)) {
      return [`${where(path)}: ${reader.typeName} ${writer.name} of ${this.writerLabel} is named ${reader.name} in ${this.readerLabel} without an alias for the old name`];
    }
    if (reader instanceof types.RecordType && writer instanceof types.RecordType) return this.explainRecord(reader, writer, path);
    if (reader instanceof types.EnumType && writer instanceof types.EnumType) return this.explainEnum(reader, writer, path);
    if (reader instanceof types.ArrayType && writer instanceof types.ArrayType) return this.explain(reader.itemsType, writer.itemsType, `${path}[]`);
    if (reader instanceof types.MapType && writer instanceof types.MapType) return this.explain(reader.valuesType as Type, writer.valuesType as Type, `${path}{}`);
    if (reader instanceof types.FixedType && writer instanceof types.FixedType) {
      return [`${where(path)}: fixed ${reader.name} has size ${reader.size} in ${this.readerLabel} but ${writer.size} in ${this.writerLabel}`];
    }
    return [`${where(path)}: ${failureOf(reader, writer)}`];
  }

  private explainRecord(reader: types.RecordType, writer: types.RecordType, path: string): string[] {
    const key = `${reader.name}<-${writer.name}`;
    if (this.visited.has(key)) return [];
    this.visited.add(key);
    return reader.fields.flatMap((field) => {
      const fieldPath = path ? `${path}.${field.name}` : field.name;
      const written = writer.fields.find((candidate) => candidate.name === field.name || (field.aliases ?? []).includes(candidate.name));
      if (written) return this.explain(field.type, written.type, fieldPath);
      if (field.defaultValue() === undefined) return [`field "${fieldPath}" has no default (${this.writerLabel} does not write it)`];
      return [];
    });
  }

  private explainEnum(reader: types.EnumType, writer: types.EnumType, path: string): string[] {
    const missing = writer.symbols.filter((symbol) => !reader.symbols.includes(symbol));
    const symbols = missing.map((symbol) => `"${symbol}"`).join(', ');
    return [`${where(path)}: enum ${shortName(reader)} in ${this.readerLabel} lacks symbol${missing.length > 1 ? 's' : ''} ${symbols} that ${this.writerLabel} writes, and has no default`];
  }

  /** The writer may write any branch of its union; each must be readable. */
  private explainWrittenBranch(reader: Type, branch: Type, path: string): string[] {
    if (canRead(reader, branch)) return [];
    if (isUnion(reader)) return this.explainIntoUnion(reader, branch, path);
    return [`${where(path)}: ${this.writerLabel} may write ${describe(branch)} (a branch of its union), which ${this.readerLabel} reads as ${describe(reader)} and cannot`];
  }

  /** A value read into a union must fit one branch; explain against the branch of the same kind, if there is one. */
  private explainIntoUnion(reader: types.UnwrappedUnionType, writer: Type, path: string): string[] {
    const sameKind = reader.types.find((branch) => branch.typeName === writer.typeName && (!isNamed(writer) || hasCompatibleName(branch, writer)));
    if (sameKind) return this.explain(sameKind, writer, path);
    return [`${where(path)}: ${this.writerLabel} writes ${describe(writer)}, which no branch of ${this.readerLabel}'s union ${describe(reader)} can read`];
  }
}

function where(path: string): string {
  return path ? `field "${path}"` : 'the top-level type';
}

function isUnion(type: Type): type is types.UnwrappedUnionType {
  return type.typeName.startsWith('union');
}

function isNamed(type: Type): boolean {
  return type.name !== undefined;
}

/**
 * Avro's Java SchemaCompatibility (what Confluent's registry runs): the same name without namespace, or the reader
 * lists the writer's full name as an alias. So moving a record to another namespace is compatible.
 */
function hasCompatibleName(reader: Type, writer: Type): boolean {
  return unqualified(reader.name) === unqualified(writer.name) || (reader.aliases ?? []).includes(writer.name ?? '');
}

function unqualified(name: string | undefined): string | undefined {
  return name?.split('.').pop();
}

function shortName(type: Type): string {
  return unqualified(type.name) ?? describe(type);
}

function describe(type: Type): string {
  if (isUnion(type)) return `[${type.types.map(describe).join(', ')}]`;
  if (type instanceof types.ArrayType) return `array<${describe(type.itemsType)}>`;
  if (type instanceof types.MapType) return `map<${describe(type.valuesType as Type)}>`;
  return type.name ? `${type.typeName} ${type.name}` : type.typeName;
}

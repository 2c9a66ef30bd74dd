import { createHash } from 'node:crypto';
import { Type, types } from 'avsc';

/** An Avro schema as JSON (object, array for a union, or a type name), as read from an `.avsc` file. */
export type AvroSchemaJson = object | string;

type AvscSchema = Parameters<typeof Type.forSchema>[0];

export class InvalidAvroSchemaError extends Error {}

export interface ParsedAvroSchema {
  /** The schema as avsc reads it, logical types ignored (their underlying types decide compatibility). */
  type: Type;
  /**
   * One spelling per schema: names fully qualified, attributes in a fixed order, whitespace dropped; keeps
   * defaults, docs, aliases and logical types, which Avro's parsing canonical form strips but which change
   * how data is read (a new default, a `timestamp-millis`), so they must give a new schema id.
   */
  canonical: string;
  /** SHA-256 of `canonical` (hex): the key under which the registry finds an already registered schema. */
  fingerprint: string;
}

/** Reads a schema sent as JSON text (the registry's `schema` field); throws InvalidAvroSchemaError. */
export function parseAvroSchemaText(text: string): ParsedAvroSchema {
  let json: AvroSchemaJson;
  try {
    json = JSON.parse(text) as AvroSchemaJson;
  } catch (error) {
    throw new InvalidAvroSchemaError(`schema is not valid JSON: ${(error as Error).message}`);
  }
  return parseAvroSchema(json);
}

/** Parses an Avro schema given as JSON value; throws InvalidAvroSchemaError naming what is wrong. */
export function parseAvroSchema(json: AvroSchemaJson): ParsedAvroSchema {
  try {
    const type = Type.forSchema(json as AvscSchema);
    const withLogicalTypes = Type.forSchema(json as AvscSchema, { logicalTypes: keepEveryLogicalType });
    const canonical = JSON.stringify(withLogicalTypes.schema({ exportAttrs: true }));
    return { type, canonical, fingerprint: createHash('sha256').update(canonical).digest('hex') };
  } catch (error) {
    throw new InvalidAvroSchemaError(`invalid Avro schema: ${(error as Error).message}`);
  }
}

/** Keeps any logical type, with its parameters (decimal precision and scale, ...), in the exported schema. */
class PreservedLogicalType extends types.LogicalType {
  private readonly parameters: Record<string, unknown>;

  constructor(schema: AvroSchemaJson, opts?: unknown) {
    super(schema as AvscSchema, opts);
    const attributes = Object.entries(schema as Record<string, unknown>).filter(([key]) => !EXPORTED_BY_UNDERLYING_TYPE.has(key));
    this.parameters = Object.fromEntries(attributes.sort(([a], [b]) => a.localeCompare(b)));
  }

  protected override _fromValue(value: unknown): unknown {
    return value;
  }

  protected override _toValue(value: unknown): unknown {
    return value;
  }

  protected override _resolve(): (value: unknown) => unknown {
    return (value) => value;
  }

  protected override _export(schema: AvroSchemaJson): void {
    Object.assign(schema as Record<string, unknown>, this.parameters);
  }
}

const EXPORTED_BY_UNDERLYING_TYPE = new Set(['type', 'logicalType', 'name', 'namespace', 'aliases', 'doc', 'size', 'symbols', 'default', 'fields', 'items', 'values']);

const keepEveryLogicalType = new Proxy({} as Record<string, typeof PreservedLogicalType>, {
  get: (_target, name) => (typeof name === 'string' ? PreservedLogicalType : undefined),
});

import * as avro from 'avsc';

const MILLIS_PER_DAY = 86_400_000;

/** timestamp-millis ⇄ Date. */
class TimestampMillisType extends avro.types.LogicalType {
  override _fromValue(value: number): Date {
    return new Date(value);
  }
  override _toValue(value: unknown): unknown {
    return value instanceof Date ? value.getTime() : value;
  }
  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis')) return (value: number) => this._fromValue(value);
    return undefined;
  }
}

/** date (days since the epoch) ⇄ Date at UTC midnight: a calendar date, not an instant. */
class CalendarDateType extends avro.types.LogicalType {
  override _fromValue(value: number): Date {
    return new Date(value * MILLIS_PER_DAY);
  }
  override _toValue(value: unknown): unknown {
    if (!(value instanceof Date) || value.getTime() % MILLIS_PER_DAY !== 0) return undefined;
    return value.getTime() / MILLIS_PER_DAY;
  }
  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'int')) return (value: number) => this._fromValue(value);
    // A writer's date type (another schema version) hands over the Date it has already read.
    if (avro.Type.isType(type, 'logical:date')) return (value: Date) => value;
    return undefined;
  }
}

const logicalTypes = { 'timestamp-millis': TimestampMillisType, date: CalendarDateType };

/** An avsc type for a schema, with logical types mapped to JS Dates. */
export function avroType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { logicalTypes, wrapUnions: false });
}

/** Every path in `value` that does not fit `type`, e.g. `address.postalCode`; empty when the value is valid. */
export function invalidPaths(type: avro.Type, value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path: string[]) => paths.push(path.join('.') || '(root)') });
  return paths;
}

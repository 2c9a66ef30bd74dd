/**
 * How one field of a register-domain type is kept in one PostgreSQL column: its SQL type, whether it may be null,
 * what the driver is sent for a value (as an element of the column's array parameter: rows travel one array per
 * column) and how a selected value becomes the domain value again.
 */
export interface Column<V> {
  name: string;
  sqlType: 'text' | 'bigint' | 'integer' | 'boolean' | 'jsonb' | 'date' | 'timestamptz';
  nullable: boolean;
  /** The only values a text column takes (a check constraint). */
  allowed?: readonly string[];
  /** The column's SQL default, e.g. `'[]'::jsonb`. */
  defaultSql?: string;
  /** How the drift check compares it: the value as text, or a JSON array of strings as a sorted set. */
  compareAs: 'text' | 'sorted-set';
  encode(value: V): unknown;
  /** The select expression for this column (dates as `YYYY-MM-DD` text, the driver would make a local Date). */
  selected: string;
  decode(raw: unknown): V;
}

const same = <V>(value: unknown) => value as V;

function column<V>(name: string, sqlType: Column<V>['sqlType'], parts: Partial<Column<V>> = {}): Column<V> {
  return { name, sqlType, nullable: false, compareAs: 'text', encode: same, selected: name, decode: same, ...parts };
}

/** Text; `allowed` adds a check constraint (and narrows the type). */
export function text<V extends string = string>(name: string, allowed?: readonly V[]): Column<V> {
  return column<V>(name, 'text', allowed ? { allowed } : {});
}

/** A whole number beyond 2^31 kept as bigint; read as a JS number (exact up to 2^53). */
export function bigintNumber(name: string): Column<number> {
  return column<number>(name, 'bigint', { decode: (raw) => Number(raw) });
}

export function integer(name: string): Column<number> {
  return column<number>(name, 'integer');
}

export function boolean(name: string): Column<boolean> {
  return column<boolean>(name, 'boolean');
}

/** A calendar date, `YYYY-MM-DD` in the domain. */
export function date(name: string): Column<string> {
  return column<string>(name, 'date', { selected: `to_char(${name}, 'YYYY-MM-DD')` });
}

export function timestamptz(name: string): Column<Date> {
  return column<Date>(name, 'timestamptz');
}

/** A moment kept as timestamptz, in the domain as milliseconds since the epoch (to order changes by). */
export function epochMillis(name: string): Column<number> {
  return column<number>(name, 'timestamptz', { encode: (value) => new Date(value), selected: `round(extract(epoch from ${name}) * 1000)::bigint`, decode: (raw) => Number(raw) });
}

/** A JSON value (an address, a list of names); `defaultSql` e.g. `'[]'::jsonb`. */
export function jsonb<V>(name: string, options: { defaultSql?: string } = {}): Column<V> {
  return column<V>(name, 'jsonb', { encode: (value) => JSON.stringify(value), ...options });
}

/** A list of strings whose order carries no meaning (a parcel's owners), kept as a JSON array, compared as a set. */
export function stringSet(name: string): Column<string[]> {
  return { ...jsonb<string[]>(name), compareAs: 'sorted-set' };
}

/** The same column, null allowed. */
export function nullable<V>(of: Column<V>): Column<V | null> {
  return {
    ...(of as unknown as Column<V | null>),
    nullable: true,
    encode: (value) => (value === null ? null : of.encode(value)),
    decode: (raw) => (raw === null || raw === undefined ? null : of.decode(raw)),
  };
}

import type { RegisterKind } from '@regsync/register-domain/authorities';
import type { Column } from './columns';

/** The domain fields of `Row` (the properties a descriptor maps to columns). */
export type FieldOf<Row> = keyof Row & string;

/** A timestamp the store keeps itself (`timestamptz not null default now()`): set at every write or only at insert. */
export interface Stamp {
  name: string;
  on: 'write' | 'insert';
}

/**
 * A register table described once, as data: its name, its key, one typed column per field of the register-domain
 * type `Row`, its unique constraints and indexes, and the timestamps it keeps (`Stamps`: their field names when read).
 * Every register table is isolated by authority (authority-isolation.ts): `authority_key` leads its primary key and
 * unique constraints, which the descriptor leaves out, as `isolateByAuthority` adds it. From it come the DDL, the
 * locking read, the many-row upsert, the delete and the drift query (below), and the check that what the migrations
 * made is what it says (table-schema.ts).
 */
export interface TableDescriptor<Row, Stamps extends string = never> {
  table: string;
  key: readonly FieldOf<Row>[];
  columns: { readonly [K in FieldOf<Row>]-?: Column<Row[K]> };
  unique: readonly (readonly FieldOf<Row>[])[];
  indexes: readonly { name: string; fields: readonly FieldOf<Row>[] }[];
  /** Check constraints over several columns, e.g. `idnr is not null or birth_registration_id is not null`. */
  checks: readonly { fields: readonly FieldOf<Row>[]; condition: string }[];
  stamps: { readonly [K in Stamps]: Stamp };
  /**
   * For a table whose rows have no key that never changes (a newborn's row gets its IdNr later): the name of a
   * generated `bigserial` primary key that the store keeps to itself (reads leave it out, rows are listed in its
   * order). `key` is then a unique constraint, and the store finds rows by it or by another unique one.
   */
  rowId?: string;
  /** Where the table keeps records of persons (a table that keeps none leaves it out). */
  personRecords?: PersonRecords<Row>;
}

/**
 * What data protection (libs/data-protection: the retention job, the cockpit's "kept until", the end of a sender's key
 * of a person, the erasure) needs to find a person's records in a register table; retention-catalog.ts says how long
 * each kind of record is kept.
 */
export interface PersonRecords<Row> {
  /** The register that keeps the rows. */
  register: RegisterKind;
  /**
   * Whose records the rows are: each row one person's, by the IdNr in `idnr` (an erasure deletes the row) or, where
   * given, the birth registration id a birth's events are keyed by until the IdNr is assigned; or rows listing persons
   * in jsonb arrays of IdNrs (`listedIn`: a parcel's owners; what an erasure does to them: the catalog's `erasure`).
   */
  of: { idnr: FieldOf<Row>; orBirthRegistration?: FieldOf<Row> } | { listedIn: readonly FieldOf<Row>[] };
  /** Each kind of record (the catalog's `recordKind`): SQL of the instant its period starts (null while none runs) and, unless every row is one, of which rows are. */
  records: readonly { recordKind: string; startedAt: string; where?: string }[];
}

/** SQL of the instant a period starting on a calendar day (SQL of a date) starts: the day read as UTC midnight. */
export function startOfDay(date: string): string {
  return `(${date})::timestamp at time zone 'UTC'`;
}

/** Any table's descriptor, where tables of different row types are listed together. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTableDescriptor = TableDescriptor<any, string>;

/** A row as read: the domain fields and the table's timestamps. */
export type StoredRow<Row, Stamps extends string> = Row & { [K in Stamps]: Date };

export function defineTable<Row, Stamps extends string = never>(
  descriptor: Pick<TableDescriptor<Row, Stamps>, 'table' | 'key' | 'columns'> & Partial<TableDescriptor<Row, Stamps>>,
): TableDescriptor<Row, Stamps> {
  const described = { unique: [], indexes: [], checks: [], stamps: {} as TableDescriptor<Row, Stamps>['stamps'], ...descriptor };
  if (described.key.length === 0) throw new Error(`table ${described.table}: a register table needs a key`);
  return described;
}

export function fieldsOf<Row>(descriptor: TableDescriptor<Row, string>): FieldOf<Row>[] {
  return Object.keys(descriptor.columns) as FieldOf<Row>[];
}

export function columnOf<Row>(descriptor: TableDescriptor<Row, string>, field: FieldOf<Row>): Column<unknown> {
  return descriptor.columns[field] as Column<unknown>;
}

function stampsOf<Row>(descriptor: TableDescriptor<Row, string>): [string, Stamp][] {
  return Object.entries<Stamp>(descriptor.stamps);
}

/** `create table` as the descriptor says, before `isolateByAuthority` (which adds authority_key to key and uniques). */
export function createTableSql<Row>(descriptor: TableDescriptor<Row, string>): string {
  const definitions = fieldsOf(descriptor).map((field) => {
    const column = columnOf(descriptor, field);
    const parts = [column.name, column.sqlType];
    if (!column.nullable) parts.push('not null');
    if (column.defaultSql !== undefined) parts.push(`default ${column.defaultSql}`);
    if (column.allowed) parts.push(`check (${column.name} in (${column.allowed.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ')}))`);
    return parts.join(' ');
  });
  for (const [, stamp] of stampsOf(descriptor)) definitions.push(`${stamp.name} timestamptz not null default now()`);
  if (descriptor.rowId) definitions.unshift(`${descriptor.rowId} bigserial`);
  definitions.push(`primary key (${descriptor.rowId ?? columnNames(descriptor, descriptor.key)})`);
  for (const fields of uniqueFieldSets(descriptor)) definitions.push(`unique (${columnNames(descriptor, fields)})`);
  for (const { condition } of descriptor.checks) definitions.push(`check (${condition})`);
  const indexes = descriptor.indexes.map(({ name, fields }) => `;\ncreate index ${name} on ${descriptor.table} (${columnNames(descriptor, fields)})`);
  return `create table ${descriptor.table} (\n  ${definitions.join(',\n  ')}\n)${indexes.join('')}`;
}

/** The unique constraints: the key too where a row id is the primary key. */
export function uniqueFieldSets<Row>(descriptor: TableDescriptor<Row, string>): (readonly FieldOf<Row>[])[] {
  return descriptor.rowId ? [descriptor.key, ...descriptor.unique] : [...descriptor.unique];
}

/** The name under which reads select the row id, which the store takes off the rows it returns. */
export const ROW_ID_ALIAS = '__rowId';

export function columnNames<Row>(descriptor: TableDescriptor<Row, string>, fields: readonly FieldOf<Row>[]): string {
  return fields.map((field) => columnOf(descriptor, field).name).join(', ');
}

/** Every field and timestamp, each selected under its field name. */
function selectedColumns<Row>(descriptor: TableDescriptor<Row, string>): string {
  const fields = fieldsOf(descriptor).map((field) => `${columnOf(descriptor, field).selected} as "${field}"`);
  const stamps = stampsOf(descriptor).map(([field, stamp]) => `${stamp.name} as "${field}"`);
  const rowId = descriptor.rowId ? [`${descriptor.rowId}::text as "${ROW_ID_ALIAS}"`] : [];
  return [...fields, ...stamps, ...rowId].join(', ');
}

/** The rows with these keys (`by`: the key or a unique field set): one array parameter per field from `$offset + 1`. */
function keyCondition<Row>(descriptor: TableDescriptor<Row, string>, offset = 0, by: readonly FieldOf<Row>[] = descriptor.key): string {
  const arrays = by.map((field, index) => `$${offset + index + 1}::${columnOf(descriptor, field).sqlType}[]`);
  if (by.length === 1) return `${columnNames(descriptor, by)} = any(${arrays[0]})`;
  return `(${columnNames(descriptor, by)}) in (select * from unnest(${arrays.join(', ')}))`;
}

/** Reads every row (in key order, or in the order of the row ids). */
export function listSql<Row>(descriptor: TableDescriptor<Row, string>): string {
  return `select ${selectedColumns(descriptor)} from ${descriptor.table} order by ${descriptor.rowId ?? columnNames(descriptor, descriptor.key)}`;
}

/** Reads the rows of the keys given as one array per field of `by` (the key or a unique field set). */
export function readSql<Row>(descriptor: TableDescriptor<Row, string>, by: readonly FieldOf<Row>[] = descriptor.key): string {
  return `select ${selectedColumns(descriptor)} from ${descriptor.table} where ${keyCondition(descriptor, 0, by)}`;
}

/** `readSql`, locked until the transaction ends, in the order of `by` (so two transactions locking rows cannot deadlock). */
export function lockSql<Row>(descriptor: TableDescriptor<Row, string>, by: readonly FieldOf<Row>[] = descriptor.key): string {
  return `${readSql(descriptor, by)} order by ${columnNames(descriptor, by)} for update`;
}

/**
 * Inserts or updates rows given as one array parameter per field (in `fieldsOf` order, from `$offset + 1`; with a row
 * id first that array, null for a new row), each key at most once: one statement for any number of rows. Write
 * timestamps become the transaction's `now()`.
 */
export function upsertSql<Row>(descriptor: TableDescriptor<Row, string>, offset = 0): string {
  const { rowId } = descriptor;
  const fields = fieldsOf(descriptor);
  const names = [...(rowId ? [rowId] : []), ...fields.map((field) => columnOf(descriptor, field).name)];
  const types = [...(rowId ? ['bigint'] : []), ...fields.map((field) => columnOf(descriptor, field).sqlType)];
  const arrays = types.map((type, index) => `$${offset + index + 1}::${type}[]`);
  const written = stampsOf(descriptor).filter(([, stamp]) => stamp.on === 'write').map(([, stamp]) => stamp.name);
  const conflict = rowId ? [rowId] : descriptor.key.map((field) => columnOf(descriptor, field).name);
  const updated = [...names.filter((name) => !conflict.includes(name)), ...written].map((name) => `${name} = excluded.${name}`);
  const selected = names.map((name) => (name === rowId ? `coalesce(${rowId}, nextval('${descriptor.table}_${rowId}_seq'))` : name));
  return (
    `insert into ${descriptor.table} (${[...names, ...written].join(', ')}) ` +
    `select ${[...selected, ...written.map(() => 'now()')].join(', ')} from unnest(${arrays.join(', ')}) as incoming (${names.join(', ')}) ` +
    `on conflict (authority_key, ${conflict.join(', ')}) ` +
    (updated.length > 0 ? `do update set ${updated.join(', ')}` : 'do nothing')
  );
}

/** Inserts rows given as `upsertSql` takes them, skipping every row that conflicts with one held; returns the keys inserted. */
export function insertNewSql<Row>(descriptor: TableDescriptor<Row, string>): string {
  const upsert = upsertSql(descriptor);
  return `${upsert.slice(0, upsert.indexOf(' on conflict '))} on conflict do nothing returning ${descriptor.key.map((field) => `${columnOf(descriptor, field).name} as "${field}"`).join(', ')}`;
}

/** Reads the rows whose `field` equals one of the array `$1`. */
export function readBySql<Row>(descriptor: TableDescriptor<Row, string>, field: FieldOf<Row>): string {
  return `select ${selectedColumns(descriptor)} from ${descriptor.table} where ${columnOf(descriptor, field).name} = any($1)`;
}

/** Deletes the rows of the keys given as one array per field of `by` (the key or a unique field set) from `$offset + 1`. */
export function deleteSql<Row>(descriptor: TableDescriptor<Row, string>, offset = 0, by: readonly FieldOf<Row>[] = descriptor.key): string {
  return `delete from ${descriptor.table} where ${keyCondition(descriptor, offset, by)}`;
}

/**
 * The drift check's query (observability's RegisterSnapshotSource.sql): `subject_id` from the one-field key, `scope`
 * from a field if given, and the compared fields under their column names, each as text (a set of strings as a
 * sorted array), so both sides of a comparison format them alike.
 */
export function driftSql<Row>(descriptor: TableDescriptor<Row, string>, options: { compared: readonly FieldOf<Row>[]; scope?: FieldOf<Row> }): string {
  if (descriptor.key.length !== 1) throw new Error(`table ${descriptor.table}: the drift check names a subject by a key of one field`);
  const selected = [`${columnNames(descriptor, descriptor.key)} as subject_id`];
  if (options.scope) selected.push(`${columnOf(descriptor, options.scope).name} as scope`);
  for (const field of options.compared) {
    const { name, compareAs } = columnOf(descriptor, field);
    selected.push(compareAs === 'sorted-set' ? `array(select element from jsonb_array_elements_text(${name}) as element order by element) as ${name}` : `${name}::text as ${name}`);
  }
  return `select ${selected.join(', ')} from ${descriptor.table}`;
}

/** An append-only table written with register changes (the transfer log): its name and columns, in parameter order. */
export interface AppendTable {
  table: string;
  columns: readonly { name: string; sqlType: string }[];
}

/**
 * Inserts rows given as one array parameter per column (from `$offset + 1`). unnest would flatten a two-dimensional
 * array, so an array column (`text[]`) comes as each row's array in PostgreSQL's text form and is cast back.
 */
export function appendSql(into: AppendTable, offset = 0): string {
  const isArray = (sqlType: string) => sqlType.endsWith('[]');
  const names = into.columns.map(({ name }) => name).join(', ');
  const arrays = into.columns.map(({ sqlType }, index) => `$${offset + index + 1}::${isArray(sqlType) ? 'text' : sqlType}[]`);
  const selected = into.columns.map(({ name, sqlType }) => (isArray(sqlType) ? `${name}::${sqlType}` : name));
  return `insert into ${into.table} (${names}) select ${selected.join(', ')} from unnest(${arrays.join(', ')}) as appended (${names})`;
}

/** The parameters of `appendSql` for `rows` (each its values in column order). */
export function appendParameters(into: AppendTable, rows: readonly (readonly unknown[])[]): unknown[][] {
  return into.columns.map(({ sqlType }, column) => rows.map((row) => (sqlType.endsWith('[]') ? textArrayLiteral(row[column] as string[]) : row[column])));
}

/** PostgreSQL's text form of a text[]: every element quoted, `"` and `\` escaped. */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

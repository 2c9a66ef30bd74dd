import { randomBytes } from 'node:crypto';
import { DataSource, type MixedList } from 'typeorm';
import { databaseUrl } from '../database-url';
import { dropDatabase, ensureDatabase } from '../ensure-database';
import { columnOf, fieldsOf, uniqueFieldSets, type AnyTableDescriptor, type FieldOf, type TableDescriptor } from './table-descriptor';
import type { Queryable } from './register-store';

/** A table as PostgreSQL's catalog shows it: what the migrations made. */
export interface TableSchema {
  /** Per column: `<udt name> null|not null [default <expression>]`. */
  columns: Record<string, string>;
  primaryKey: string[];
  /** Unique constraints and indexes: column lists as `a, b`, sorted. */
  unique: string[];
  indexes: string[];
  /** Columns a check constraint names. */
  checked: string[];
  rowLevelSecurity: boolean;
}

const UDT_NAMES: Record<string, string> = { bigint: 'int8', integer: 'int4', boolean: 'bool' };

/** The table the descriptor describes, isolated by authority, in the catalog's terms. */
export function expectedSchema<Row>(descriptor: TableDescriptor<Row, string>): TableSchema {
  const columns: Record<string, string> = { authority_key: 'text not null default regsync_current_authority()' };
  for (const field of fieldsOf(descriptor)) {
    const column = columnOf(descriptor, field);
    columns[column.name] = `${UDT_NAMES[column.sqlType] ?? column.sqlType} ${column.nullable ? 'null' : 'not null'}${column.defaultSql ? ` default ${column.defaultSql}` : ''}`;
  }
  for (const stamp of Object.values(descriptor.stamps)) columns[stamp.name] = 'timestamptz not null default now()';
  const { rowId } = descriptor;
  if (rowId) columns[rowId] = `int8 not null default nextval('${descriptor.table}_${rowId}_seq'::regclass)`;
  const names = (fields: readonly FieldOf<Row>[]) => fields.map((field) => columnOf(descriptor, field).name);
  const allowed = fieldsOf(descriptor).filter((field) => columnOf(descriptor, field).allowed);
  return {
    columns,
    primaryKey: ['authority_key', ...(rowId ? [rowId] : names(descriptor.key))],
    unique: uniqueFieldSets(descriptor).map((fields) => ['authority_key', ...names(fields)].join(', ')).sort(),
    indexes: descriptor.indexes.map(({ name, fields }) => `${name} (${names(fields).join(', ')})`).sort(),
    checked: [...new Set(names([...allowed, ...descriptor.checks.flatMap(({ fields }) => fields)]))].sort(),
    rowLevelSecurity: true,
  };
}

/** Reads `table` of the current schema from the catalog. */
export async function actualSchema(db: Queryable, table: string): Promise<TableSchema> {
  const columns = (await db.query(
    `select column_name as name, udt_name as type, is_nullable = 'YES' as nullable, column_default as "default"
       from information_schema.columns where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [table],
  )) as { name: string; type: string; nullable: boolean; default: string | null }[];
  const constraints = (await db.query(
    `select c.contype as kind, array(select a.attname from unnest(c.conkey) with ordinality as k (attnum, position)
                                       join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.position)::text[] as columns
       from pg_constraint c where c.conrelid = to_regclass($1)`,
    [table],
  )) as { kind: string; columns: string[] }[];
  const indexes = (await db.query(
    `select i.relname as name, array(select a.attname from unnest(x.indkey::int2[]) with ordinality as k (attnum, position)
                                       join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.position)::text[] as columns
       from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = to_regclass($1) and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)`,
    [table],
  )) as { name: string; columns: string[] }[];
  const [security] = (await db.query(
    `select c.relrowsecurity and exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'authority_isolation') as isolated
       from pg_class c where c.oid = to_regclass($1)`,
    [table],
  )) as { isolated: boolean }[];
  return {
    columns: Object.fromEntries(columns.map((column) => [column.name, `${column.type} ${column.nullable ? 'null' : 'not null'}${column.default ? ` default ${column.default}` : ''}`])),
    primaryKey: constraints.find((constraint) => constraint.kind === 'p')?.columns ?? [],
    unique: constraints.filter((constraint) => constraint.kind === 'u').map((constraint) => constraint.columns.join(', ')).sort(),
    indexes: indexes.map((index) => `${index.name} (${index.columns.join(', ')})`).sort(),
    checked: [...new Set(constraints.filter((constraint) => constraint.kind === 'c').flatMap((constraint) => constraint.columns))].sort(),
    rowLevelSecurity: security?.isolated ?? false,
  };
}

/** Every difference between the descriptor and the migrated table, as sentences; empty when they agree. */
export async function schemaMismatches<Row>(db: Queryable, descriptor: TableDescriptor<Row, string>): Promise<string[]> {
  return schemaDifferences(descriptor.table, expectedSchema(descriptor), await actualSchema(db, descriptor.table));
}

export function schemaDifferences(table: string, expected: TableSchema, actual: TableSchema): string[] {
  const differences: string[] = [];
  for (const name of new Set([...Object.keys(expected.columns), ...Object.keys(actual.columns)])) {
    const [want, have] = [expected.columns[name], actual.columns[name]];
    if (want !== have) differences.push(`${table}.${name}: the descriptor says ${want ?? 'no such column'}, the table has ${have ?? 'no such column'}`);
  }
  for (const part of ['primaryKey', 'unique', 'indexes', 'checked', 'rowLevelSecurity'] as const) {
    const [want, have] = [JSON.stringify(expected[part]), JSON.stringify(actual[part])];
    if (want !== have) differences.push(`${table} ${part}: the descriptor says ${want}, the table has ${have}`);
  }
  return differences;
}

// TypeORM takes migration classes as plain constructors.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Migrations = MixedList<Function>;

/** Runs `migrations` on a new database of the server at `serverUrl`, lets `use` read it, and drops it afterwards. */
async function withMigratedDatabase<T>(serverUrl: string, migrations: Migrations, use: (db: Queryable) => Promise<T>): Promise<T> {
  const name = `regsync_schema_check_${randomBytes(4).toString('hex')}`;
  await ensureDatabase(serverUrl, name);
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations, migrationsRun: true, extra: { max: 1, options: '-c regsync.instance_key=schemacheck' } });
  try {
    await dataSource.initialize();
    return await use(dataSource.manager);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await dropDatabase(serverUrl, name);
  }
}

/**
 * Compares each of `tables` with what `migrations` made on a new database. For each app's test that its descriptors
 * and migrations agree.
 */
export async function migratedSchemaMismatches(serverUrl: string, migrations: Migrations, tables: readonly AnyTableDescriptor[]): Promise<string[]> {
  return withMigratedDatabase(serverUrl, migrations, async (db) => {
    const mismatches: string[] = [];
    for (const table of tables) mismatches.push(...(await schemaMismatches(db, table)));
    return mismatches;
  });
}

/** The tables `migrations` leave on a new database (not TypeORM's own record of them), sorted. */
export async function migratedTables(serverUrl: string, migrations: Migrations): Promise<string[]> {
  return withMigratedDatabase(serverUrl, migrations, async (db) => {
    const rows = (await db.query(
      `select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'migrations' order by table_name`,
    )) as { name: string }[];
    return rows.map(({ name }) => name);
  });
}

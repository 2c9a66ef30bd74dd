import type { DataSource, EntityManager } from 'typeorm';

const readTables = new WeakMap<DataSource, Promise<ReadonlySet<string>>>();

/**
 * The tables of the database's schema, read once per data source (`manager`: any of its own, a transaction's too):
 * migrations run before a service serves, and no table appears later.
 */
export function schemaTables(manager: EntityManager): Promise<ReadonlySet<string>> {
  const known = readTables.get(manager.connection);
  if (known) return known;
  const read = (manager.query('select tablename from pg_tables where schemaname = current_schema()') as Promise<{ tablename: string }[]>).then((rows) => new Set(rows.map(({ tablename }) => tablename)));
  readTables.set(manager.connection, read);
  read.catch(() => readTables.delete(manager.connection));
  return read;
}

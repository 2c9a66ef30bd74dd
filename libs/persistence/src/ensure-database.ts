import { Client } from 'pg';
import { dropAuthorityRoles } from './authority-roles';
import { databaseUrl, namespaceDatabasePrefix } from './database-url';

const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** Creates `databaseName` on the server at `serverUrl` unless it exists; safe when several processes race. */
export async function ensureDatabase(serverUrl: string, databaseName: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [databaseName]);
    if (rowCount) return;
    await client.query(`create database "${databaseName}"`);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
  } finally {
    await client.end();
  }
}

/** Drops `databaseName` (tests and register rebuilds), closing other sessions first, and its authorities' roles. */
export async function dropDatabase(serverUrl: string, databaseName: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(`drop database if exists "${databaseName}" with (force)`);
    await dropAuthorityRoles(client, databaseName);
  } finally {
    await client.end();
  }
}

/** Drops every instance database of `namespace` (a test run's or a cold start's); returns how many. */
export async function dropNamespaceDatabases(serverUrl: string, namespace: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  let names: string[];
  try {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [namespaceDatabasePrefix(namespace)]);
    names = rows.map((row) => row.datname);
  } finally {
    await client.end();
  }
  for (const name of names) await dropDatabase(serverUrl, name);
  return names.length;
}

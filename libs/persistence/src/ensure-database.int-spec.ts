import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl, instanceDatabaseName } from './database-url';
import { dropDatabase, dropNamespaceDatabases, ensureDatabase } from './ensure-database';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('ensureDatabase', () => {
  const name = `regsync_test_${randomUUID().slice(0, 8)}`;
  afterAll(() => dropDatabase(serverUrl, name));

  it('creates a missing database once, even when several callers race', async () => {
    await Promise.all([ensureDatabase(serverUrl, name), ensureDatabase(serverUrl, name), ensureDatabase(serverUrl, name)]);
    const client = new Client({ connectionString: databaseUrl(serverUrl, name) });
    await client.connect();
    const { rows } = await client.query('select current_database() as db');
    await client.end();
    expect(rows[0].db).toBe(name);
  });
});

describe('dropNamespaceDatabases', () => {
  const namespace = `ns${randomUUID().slice(0, 8)}`;
  const neighbour = `${namespace}x`;
  const databaseNames = async () => {
    const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`regsync_${namespace}%`]);
    await client.end();
    return rows.map((row) => row.datname).sort();
  };
  afterAll(() => dropDatabase(serverUrl, instanceDatabaseName('state', '14', neighbour)));

  it('drops every instance database of the namespace and none of another namespace that starts alike', async () => {
    for (const [service, key, ns] of [['municipal', '03404000', namespace], ['federal', 'DE', namespace], ['state', '14', neighbour]]) await ensureDatabase(serverUrl, instanceDatabaseName(service, key, ns));
    await expect(dropNamespaceDatabases(serverUrl, namespace)).resolves.toBe(2);
    await expect(databaseNames()).resolves.toEqual([instanceDatabaseName('state', '14', neighbour)]);
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl } from './database-url';
import { dropDatabase, ensureDatabase } from './ensure-database';

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

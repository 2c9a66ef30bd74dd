import { migratedSchemaMismatches } from '@regsync/persistence/register-storage';
import { federalCapabilities, federalMigrations } from './federal-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('the federal register tables', () => {
  it('are what their descriptors say, once every migration has run', async () => {
    expect(federalCapabilities.tables.map(({ table }) => table)).toEqual(['idnr_base_data']);
    await expect(migratedSchemaMismatches(serverUrl, federalMigrations, federalCapabilities.tables)).resolves.toEqual([]);
  }, 60_000);
});

import { migratedSchemaMismatches } from '@regsync/persistence/register-storage';
import { stateCapabilities, stateMigrations } from './state-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('the state register tables', () => {
  it('are what their descriptors say, once every migration has run', async () => {
    const capabilities = stateCapabilities(new Set(['14612000']));
    expect(capabilities.tables.map(({ table }) => table)).toEqual(['state_residents', 'parcels']);
    await expect(migratedSchemaMismatches(serverUrl, stateMigrations(capabilities), capabilities.tables)).resolves.toEqual([]);
  }, 60_000);
});

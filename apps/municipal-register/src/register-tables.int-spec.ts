import { informationBlocksTable } from '@regsync/persistence/register-table-catalog';
import { migratedSchemaMismatches } from '@regsync/persistence/register-storage';
import { municipalCapabilities, municipalMigrations } from './municipal-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('the municipal register tables', () => {
  it('are what their descriptors say, once every migration has run', async () => {
    expect(municipalCapabilities.tables.map(({ table }) => table)).toEqual(['residents', 'civil_status_records', 'property_tax_entries', 'secondary_residences']);
    // information_blocks: the migration data-protection brings every register that holds addresses.
    await expect(migratedSchemaMismatches(serverUrl, municipalMigrations, [...municipalCapabilities.tables, informationBlocksTable])).resolves.toEqual([]);
  }, 60_000);
});

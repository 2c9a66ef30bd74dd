import { migratedTables } from '@regsync/persistence/register-storage';
import { RETENTION_CATALOG } from '@regsync/register-domain/retention';
import { federalMigrations } from '@regsync/apps/federal-register/src/federal-register.module';
import { municipalMigrations } from '@regsync/apps/municipal-register/src/municipal-register.module';
import { routerMigrations } from '@regsync/apps/router/src/router.module';
import { stateCapabilities, stateMigrations } from '@regsync/apps/state-register/src/state-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The services that keep citizens' data, each with every migration it runs. The schema registry (Avro schemas) and
 * the dashboard (its re-drive audit names operators) keep none and run no retention.
 */
const REGISTER_SERVICES = {
  'municipal-register': municipalMigrations,
  'state-register': stateMigrations(stateCapabilities(new Set(['14612000']))),
  'federal-register': federalMigrations,
  router: routerMigrations,
};

describe('the retention catalog', () => {
  it('has an entry for every table the migrations of a register service leave, and none for a table no service keeps', async () => {
    // what PostgreSQL holds once every migration ran: tables created from a shared statement count, dropped ones do not
    const kept: { service: string; table: string }[] = [];
    for (const [service, migrations] of Object.entries(REGISTER_SERVICES)) {
      for (const table of await migratedTables(serverUrl, migrations)) kept.push({ service, table });
    }
    const catalogued = new Set(RETENTION_CATALOG.map((rule) => rule.table));
    expect(kept.filter(({ table }) => !catalogued.has(table))).toEqual([]);
    expect([...catalogued].filter((table) => !kept.some((found) => found.table === table))).toEqual([]);
    expect(kept).toEqual(expect.arrayContaining([{ service: 'municipal-register', table: 'property_tax_entries' }, { service: 'state-register', table: 'parcels' }]));
  }, 120_000);
});

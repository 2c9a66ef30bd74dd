import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runAsAuthority, AuthorityDatabase, authorityRoleOf, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { municipalMigrations } from './municipal-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const ANNA = '36574261809';
const address = (municipalityKey: string) => JSON.stringify({ street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey });
const INSERT_RESIDENT = `insert into residents (idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status, dwelling_status)
  values ($1, $2, 'Anna', 'FEMALE', '1990-03-14', $3, '2018-04-01', $4, 'HAUPTWOHNUNG')`;

/** Two municipalities hosted in one database (one process), each acting through its own role under row-level security. */
describe('authority isolation in a shared municipal database', () => {
  const name = `regsync_test_tenancy_${randomBytes(4).toString('hex')}`;
  let owner: DataSource;
  let database: AuthorityDatabase;
  const as = <T>(authority: string, work: Parameters<AuthorityDatabase['transaction']>[0]) => runAsAuthority(authority, () => database.transaction(work)) as Promise<T>;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    // A database of one authority (Osnabrück) from before: a resident in it, then the migration to authority keys.
    const before = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: municipalMigrations.slice(0, -1) }).initialize();
    await before.runMigrations();
    await before.query(INSERT_RESIDENT, ['12345678995', 'Weber', address(OSNABRUECK), 'RESIDENT']);
    await before.destroy();
    owner = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: municipalMigrations, extra: { options: `-c regsync.instance_key=${OSNABRUECK}` } }).initialize();
    await owner.runMigrations();
    await ensureAuthorityRoles(owner, name, [OSNABRUECK, HANNOVER]);
    database = new AuthorityDatabase(owner, name);
    await as(OSNABRUECK, (manager) => manager.query(INSERT_RESIDENT, [ANNA, 'Schmidt', address(OSNABRUECK), 'MOVED_OUT']));
    await as(HANNOVER, (manager) => manager.query(INSERT_RESIDENT, [ANNA, 'Schmidt', address(HANNOVER), 'RESIDENT']));
  }, 60_000);

  afterAll(async () => {
    await owner?.destroy();
    await dropDatabase(serverUrl, name);
  });

  it('gives the rows of a database of one authority to that authority', async () => {
    expect(await owner.query(`select authority_key from residents where idnr = '12345678995'`)).toEqual([{ authority_key: OSNABRUECK }]);
    expect(await as(HANNOVER, (manager) => manager.query(`select idnr from residents where idnr = '12345678995'`))).toEqual([]);
  });

  it('keeps a person in two hosted registers apart: moved out of one, resident in the other', async () => {
    const rows = (await owner.query('select authority_key, status from residents where idnr = $1 order by authority_key', [ANNA])) as unknown[];
    expect(rows).toEqual([
      { authority_key: HANNOVER, status: 'RESIDENT' },
      { authority_key: OSNABRUECK, status: 'MOVED_OUT' },
    ]);
    expect(await as(OSNABRUECK, (manager) => manager.query('select status from residents where idnr = $1', [ANNA]))).toEqual([{ status: 'MOVED_OUT' }]);
    expect(await as(HANNOVER, (manager) => manager.query('select status from residents where idnr = $1', [ANNA]))).toEqual([{ status: 'RESIDENT' }]);
  });

  it("never lets an authority's role see, change or delete another's rows", async () => {
    expect(await as(HANNOVER, (manager) => manager.query('select count(*)::int as n from residents'))).toEqual([{ n: 1 }]);
    const [, updated] = (await as(HANNOVER, (manager) => manager.query(`update residents set family_name = 'Forged' where idnr = '12345678995'`))) as [unknown, number];
    const [, deleted] = (await as(HANNOVER, (manager) => manager.query(`delete from residents where idnr = '12345678995'`))) as [unknown, number];
    expect([updated, deleted]).toEqual([0, 0]);
    expect(await owner.query(`select family_name from residents where idnr = '12345678995'`)).toEqual([{ family_name: 'Weber' }]);
  });

  it("refuses an authority's write of a row in another's name, or moving its own row to another", async () => {
    await expect(as(HANNOVER, (manager) => manager.query(`insert into residents (authority_key, idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status, dwelling_status)
      values ($1, '86095742719', 'Forged', 'A', 'FEMALE', '1990-03-14', $2, '2018-04-01', 'RESIDENT', 'HAUPTWOHNUNG')`, [OSNABRUECK, address(OSNABRUECK)]))).rejects.toThrow(/row-level security/);
    await expect(as(HANNOVER, (manager) => manager.query(`update residents set authority_key = $1 where idnr = $2`, [OSNABRUECK, ANNA]))).rejects.toThrow(/row-level security/);
    await expect(as(HANNOVER, (manager) => manager.query(`insert into regsync_outbox (authority_key, event_id, event_type, topic, record_key, payload, headers, subject_version)
      values ($1, gen_random_uuid(), 'DeathRecorded', 'forged', 'k', '\\x00', '{}', 1)`, [OSNABRUECK]))).rejects.toThrow(/row-level security/);
  });

  it("isolates every table that holds an authority's data, and grants the roles no table that is not isolated", async () => {
    const tables = (await owner.query(`
      select c.relname as name, c.relrowsecurity as isolated, has_table_privilege($1, c.oid, 'SELECT') as readable
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname <> 'migrations' order by 1`, [authorityRoleOf(name, HANNOVER)])) as { name: string; isolated: boolean; readable: boolean }[];
    expect(tables.filter((table) => !table.isolated || !table.readable)).toEqual([]);
    expect(tables.map((table) => table.name)).toEqual(
      expect.arrayContaining(['residents', 'civil_status_records', 'property_tax_entries', 'information_blocks', 'information_block_audit', 'transfer_log', 'regsync_outbox', 'regsync_inbox', 'regsync_subject_version', 'regsync_applied_version', 'regsync_idempotency_keys']),
    );
    const migrations = (await owner.query(`select has_table_privilege($1, 'migrations', 'SELECT') as readable`, [authorityRoleOf(name, HANNOVER)])) as { readable: boolean }[];
    expect(migrations).toEqual([{ readable: false }]);
  });

  it('keeps the names of the unique constraints it extends by authority_key, which the services match (409 on a birth recorded twice)', async () => {
    const constraints = (await owner.query(`
      select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
      where conrelid = 'civil_status_records'::regclass and contype = 'u' order by conname`)) as { name: string; definition: string }[];
    expect(constraints).toEqual([
      { name: 'civil_status_records_birth_registration_id_key', definition: 'UNIQUE (authority_key, birth_registration_id)' },
      { name: 'civil_status_records_idnr_key', definition: 'UNIQUE (authority_key, idnr)' },
    ]);
  });

  it('refuses to act outside an authority', async () => {
    await expect(database.transaction((manager) => manager.query('select 1'))).rejects.toThrow(/runAsAuthority/);
  });
});

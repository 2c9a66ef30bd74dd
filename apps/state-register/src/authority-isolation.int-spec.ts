import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runAsAuthority, AuthorityDatabase, authorityRoleOf, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { stateCapabilities, stateMigrations } from './state-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NIEDERSACHSEN = '03';
const SACHSEN = '14';
const ANNA = '36574261809';
const address = (municipalityKey: string) => JSON.stringify({ street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey });
const INSERT_RESIDENT = `insert into state_residents (idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status)
  values ($1, $2, 'Anna', 'FEMALE', '1990-03-14', $3, '2018-04-01', $4)`;
const INSERT_PARCEL = `insert into parcels (parcel_id, municipality_key, area_square_metres, usage, owner_idnrs, erased_owner_idnrs)
  values ($1, $2, 612, 'Wohnbaufläche', '["36574261809"]', '[]')`;
const OSNABRUECK_PARCEL = '03123400100012______';

/** Two Länder hosted by one state-register process, in one database, each acting through its own role under row-level security. */
describe('authority isolation in a shared state database', () => {
  const name = `regsync_test_state_tenancy_${randomBytes(4).toString('hex')}`;
  let owner: DataSource;
  let database: AuthorityDatabase;
  const as = <T>(authority: string, work: Parameters<AuthorityDatabase['transaction']>[0]) => runAsAuthority(authority, () => database.transaction(work)) as Promise<T>;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    owner = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: stateMigrations(stateCapabilities(new Set())), extra: { options: `-c regsync.instance_key=${NIEDERSACHSEN}` } }).initialize();
    await owner.runMigrations();
    await ensureAuthorityRoles(owner, name, [NIEDERSACHSEN, SACHSEN]);
    database = new AuthorityDatabase(owner, name);
    // Anna moved from Osnabrück (Niedersachsen) to Dresden (Sachsen): both Länder hold her, each its own row.
    await as(NIEDERSACHSEN, (manager) => manager.query(INSERT_RESIDENT, [ANNA, 'Schmidt', address('03404000'), 'MOVED_AWAY']));
    await as(SACHSEN, (manager) => manager.query(INSERT_RESIDENT, [ANNA, 'Schmidt', address('14612000'), 'RESIDENT']));
    await as(NIEDERSACHSEN, (manager) => manager.query(INSERT_PARCEL, [OSNABRUECK_PARCEL, '03404000']));
  }, 60_000);

  afterAll(async () => {
    await owner?.destroy();
    await dropDatabase(serverUrl, name);
  });

  it('keeps a person in both hosted Länder apart: moved away from one, resident in the other', async () => {
    expect(await owner.query('select authority_key, status from state_residents where idnr = $1 order by authority_key', [ANNA])).toEqual([
      { authority_key: NIEDERSACHSEN, status: 'MOVED_AWAY' },
      { authority_key: SACHSEN, status: 'RESIDENT' },
    ]);
    expect(await as(NIEDERSACHSEN, (manager) => manager.query('select status from state_residents where idnr = $1', [ANNA]))).toEqual([{ status: 'MOVED_AWAY' }]);
    expect(await as(SACHSEN, (manager) => manager.query('select status from state_residents where idnr = $1', [ANNA]))).toEqual([{ status: 'RESIDENT' }]);
  });

  it("never lets a Land's role see, change or delete the other's cadastre or residents", async () => {
    expect(await as(SACHSEN, (manager) => manager.query('select parcel_id from parcels'))).toEqual([]);
    const [, updated] = (await as(SACHSEN, (manager) => manager.query(`update parcels set owner_idnrs = '[]' where parcel_id = $1`, [OSNABRUECK_PARCEL]))) as [unknown, number];
    const [, deleted] = (await as(SACHSEN, (manager) => manager.query(`delete from state_residents where status = 'MOVED_AWAY'`))) as [unknown, number];
    expect([updated, deleted]).toEqual([0, 0]);
    expect(await owner.query('select owner_idnrs from parcels where parcel_id = $1', [OSNABRUECK_PARCEL])).toEqual([{ owner_idnrs: [ANNA] }]);
    expect(await owner.query(`select count(*)::int as n from state_residents where authority_key = $1`, [NIEDERSACHSEN])).toEqual([{ n: 1 }]);
  });

  it("refuses a Land's write of a row in the other's name, or moving its own row to the other", async () => {
    await expect(as(SACHSEN, (manager) => manager.query(`insert into parcels (authority_key, parcel_id, municipality_key, area_square_metres, usage, owner_idnrs, erased_owner_idnrs)
      values ($1, '03123400100013______', '03404000', 10, 'Acker', '[]', '[]')`, [NIEDERSACHSEN]))).rejects.toThrow(/row-level security/);
    await expect(as(SACHSEN, (manager) => manager.query('update state_residents set authority_key = $1 where idnr = $2', [NIEDERSACHSEN, ANNA]))).rejects.toThrow(/row-level security/);
    await expect(as(SACHSEN, (manager) => manager.query(`insert into regsync_outbox (authority_key, event_id, event_type, topic, record_key, payload, headers, subject_version)
      values ($1, gen_random_uuid(), 'ParcelChanged', 'forged', 'k', '\\x00', '{}', 1)`, [NIEDERSACHSEN]))).rejects.toThrow(/row-level security/);
  });

  it("isolates every table that holds a Land's data, and grants the roles no table that is not isolated", async () => {
    const tables = (await owner.query(`
      select c.relname as name, c.relrowsecurity as isolated, has_table_privilege($1, c.oid, 'SELECT') as readable
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname <> 'migrations' order by 1`, [authorityRoleOf(name, SACHSEN)])) as { name: string; isolated: boolean; readable: boolean }[];
    expect(tables.filter((table) => !table.isolated || !table.readable)).toEqual([]);
    expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['state_residents', 'parcels', 'transfer_log', 'regsync_outbox', 'regsync_inbox', 'regsync_subject_version', 'regsync_applied_version', 'regsync_idempotency_keys']));
  });
});

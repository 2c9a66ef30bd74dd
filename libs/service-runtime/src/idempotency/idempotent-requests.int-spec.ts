import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runAsAuthority, AuthorityDatabase, isolateByAuthority, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { IdempotencyKeyRefusal } from './idempotency-key-refusal';
import { idempotencyMigrations } from './idempotency-keys.migration';
import { IdempotentRequests } from './idempotent-requests';
import { RequestTransaction } from './request-transaction';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('idempotent requests in PostgreSQL', () => {
  const name = `regsync_test_idempotency_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;
  let requests: IdempotentRequests;
  let transaction: RequestTransaction;
  // Requests run as the authority of the agency's API key (AuthorityInterceptor).
  const AUTHORITY = '03404000';
  const asMunicipality = (test: () => Promise<void>) => () => runAsAuthority(AUTHORITY, test);

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: idempotencyMigrations, migrationsRun: true }).initialize();
    // Stands in for a register: the effect a write request has.
    await dataSource.query('create table effects (id serial primary key, key text not null)');
    await isolateByAuthority(dataSource, [{ table: 'effects', primaryKey: ['id'] }]);
    await ensureAuthorityRoles(dataSource, name, [AUTHORITY]);
    const database = new AuthorityDatabase(dataSource, name);
    transaction = new RequestTransaction(database);
    requests = new IdempotentRequests(database, transaction);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  /** A write request's handler: one effect row, in the request's transaction, answered with its id. */
  function write(key: string, answer: (id: number) => unknown = (id) => ({ effect: id })) {
    return () =>
      transaction.run(async (manager) => {
        const [{ id }] = (await manager.query('insert into effects (key) values ($1) returning id', [key])) as { id: number }[];
        return answer(id);
      });
  }

  async function effects(key: string): Promise<number> {
    const [{ count }] = (await dataSource.query('select count(*)::int as count from effects where key = $1', [key])) as { count: number }[];
    return count;
  }

  async function storedKeys(key: string): Promise<number> {
    const [{ count }] = (await dataSource.query('select count(*)::int as count from regsync_idempotency_keys where idempotency_key = $1', [key])) as { count: number }[];
    return count;
  }

  it('runs a request once and answers its repetition with the first answer, without a second effect', asMunicipality(async () => {
    const key = randomUUID();
    const first = await requests.once({ agency: 'a', key, fingerprint: 'f' }, write(key));
    const second = await requests.once({ agency: 'a', key, fingerprint: 'f' }, write(key));
    expect(first.replayed).toBe(false);
    expect(second).toEqual({ body: first.body, replayed: true });
    expect(await effects(key)).toBe(1);
  }));

  it('refuses the key for a different request with 422 and runs nothing', asMunicipality(async () => {
    const key = randomUUID();
    await requests.once({ agency: 'a', key, fingerprint: 'f' }, write(key));
    const reused = requests.once({ agency: 'a', key, fingerprint: 'another body' }, write(key));
    await expect(reused).rejects.toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    expect(await effects(key)).toBe(1);
  }));

  it("keeps the agencies' keys apart: the same key of another agency is another request", asMunicipality(async () => {
    const key = randomUUID();
    await requests.once({ agency: 'buergeramt-a', key, fingerprint: 'f' }, write(key));
    const other = await requests.once({ agency: 'buergeramt-b', key, fingerprint: 'g' }, write(key));
    expect(other.replayed).toBe(false);
    expect(await effects(key)).toBe(2);
  }));

  it('answers 409 while the first request with the key is in flight, and the first then commits once', asMunicipality(async () => {
    const key = randomUUID();
    let started!: () => void;
    let release!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = requests.once({ agency: 'a', key, fingerprint: 'f' }, async () => {
      started();
      await gate;
      return write(key)();
    });
    await Promise.race([running, first]);
    const second = requests.once({ agency: 'a', key, fingerprint: 'f' }, write(key));
    await expect(second).rejects.toEqual(IdempotencyKeyRefusal.inFlight());
    release();
    expect((await first).replayed).toBe(false);
    expect((await requests.once({ agency: 'a', key, fingerprint: 'f' }, write(key))).replayed).toBe(true);
    expect(await effects(key)).toBe(1);
  }));

  it('stores nothing for a refused request, so its key stays free for the corrected one', asMunicipality(async () => {
    const key = randomUUID();
    const refused = requests.once({ agency: 'a', key, fingerprint: 'invalid' }, async () => {
      await write(key)();
      throw new Error('refused after the effect was written');
    });
    await expect(refused).rejects.toThrow('refused after the effect was written');
    expect(await effects(key)).toBe(0);
    expect(await storedKeys(key)).toBe(0);
    expect((await requests.once({ agency: 'a', key, fingerprint: 'corrected' }, write(key))).replayed).toBe(false);
  }));

  it('never commits an effect without its key: a failure to store the key rolls the effect back', asMunicipality(async () => {
    const key = randomUUID();
    // JSON.stringify cannot store a bigint: the key's insert fails after the effect was written in the transaction.
    const unstorable = requests.once({ agency: 'a', key, fingerprint: 'f' }, write(key, () => ({ effect: 1n })));
    await expect(unstorable).rejects.toThrow();
    expect(await effects(key)).toBe(0);
    expect(await storedKeys(key)).toBe(0);
  }));

  it('forgets a key past its retention on access (the retention job deletes the others: libs/data-protection)', asMunicipality(async () => {
    const expired = randomUUID();
    await requests.once({ agency: 'a', key: expired, fingerprint: 'f' }, write(expired));
    await dataSource.query(`update regsync_idempotency_keys set expires_at = now() - interval '1 second' where idempotency_key = $1`, [expired]);
    const reusedAfterExpiry = await requests.once({ agency: 'a', key: expired, fingerprint: 'new request' }, write(expired));
    expect(reusedAfterExpiry.replayed).toBe(false);
    expect(await effects(expired)).toBe(2);
  }));
});

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { runAsAuthority } from './authority-context';
import { AuthorityDatabase } from './authority-database';
import { authorityRoleOf, dropAuthorityRoles, ensureAuthorityRoles, quotedIdentifier } from './authority-roles';
import { databaseUrl } from './database-url';
import { dropDatabase, ensureDatabase } from './ensure-database';
import { GroupCommit } from './group-commit';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AUTHORITIES = ['03404000', '14612000'];

describe('GroupCommit (real PostgreSQL)', () => {
  const databaseName = `regsync_test_group_commit_${randomUUID().slice(0, 8)}`;
  let dataSource: DataSource;
  let groups: GroupCommit;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, databaseName);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, databaseName), extra: { max: 4 } }).initialize();
    await dataSource.query('create table notes (text text primary key, written_by text not null default current_user, transaction_id bigint not null default txid_current())');
    await ensureAuthorityRoles(dataSource, databaseName, AUTHORITIES);
    for (const authority of AUTHORITIES) await dataSource.query(`grant select, insert on notes to ${quotedIdentifier(authorityRoleOf(databaseName, authority))}`);
    groups = new GroupCommit(new AuthorityDatabase(dataSource, databaseName));
  }, 30_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, databaseName);
    const server = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
    await server.connect();
    await dropAuthorityRoles(server, databaseName).finally(() => server.end());
  });

  beforeEach(() => dataSource.query('truncate notes'));

  const note = (text: string) => async (manager: EntityManager) => {
    await manager.query('insert into notes (text) values ($1)', [text]);
    return `wrote ${text}`;
  };
  const notes = async () => (await dataSource.query('select text, written_by as "writtenBy", transaction_id::text as "transactionId" from notes order by text')) as { text: string; writtenBy: string; transactionId: string }[];

  it('runs the units that arrive while a transaction is open together in the next one, each with its own answer', async () => {
    const answers = await runAsAuthority('03404000', () => Promise.all(['a', 'b', 'c', 'd', 'e'].map((text) => groups.run(note(text)))));
    expect(answers).toEqual(['wrote a', 'wrote b', 'wrote c', 'wrote d', 'wrote e']);
    const rows = await notes();
    // The first unit found no transaction open and ran alone; the four that came meanwhile shared the next.
    expect(rows.map((row) => row.writtenBy)).toEqual(Array(5).fill(authorityRoleOf(databaseName, '03404000')));
    expect(new Set(rows.map((row) => row.transactionId)).size).toBe(2);
    expect(rows[0].transactionId).not.toBe(rows[1].transactionId);
  });

  it('fails only the unit that fails: the others of its group commit', async () => {
    const results = await runAsAuthority('03404000', () =>
      Promise.allSettled([
        groups.run(note('first')),
        groups.run(note('kept 1')),
        groups.run(async (manager) => {
          await manager.query("insert into notes (text) values ('undone')");
          throw new Error('refused: subject-deceased');
        }),
        // A statement error aborts the transaction it runs in: it must not take the others with it either.
        groups.run(note('first')),
        groups.run(note('kept 2')),
      ]),
    );
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([
      'wrote first',
      'wrote kept 1',
      'refused: subject-deceased',
      expect.stringMatching(/duplicate key/),
      'wrote kept 2',
    ]);
    expect((await notes()).map((row) => row.text)).toEqual(['first', 'kept 1', 'kept 2']);
  });

  it('keeps authorities apart and runs each unit in its caller\'s async context', async () => {
    const caller = new AsyncLocalStorage<string>();
    const seen = await Promise.all(
      AUTHORITIES.flatMap((authority) =>
        ['x', 'y', 'z'].map((text) =>
          caller.run(`${authority}-${text}`, () =>
            runAsAuthority(authority, () =>
              groups.run(async (manager) => {
                await note(`${authority}-${text}`)(manager);
                return caller.getStore();
              }),
            ),
          ),
        ),
      ),
    );
    expect(seen).toEqual(AUTHORITIES.flatMap((authority) => ['x', 'y', 'z'].map((text) => `${authority}-${text}`)));
    for (const row of await notes()) expect(row.writtenBy).toBe(authorityRoleOf(databaseName, row.text.split('-')[0]));
  });
});

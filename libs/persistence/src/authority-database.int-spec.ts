import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { runAsAuthority } from './authority-context';
import { AuthorityDatabase } from './authority-database';
import { authorityRoleOf, dropAuthorityRoles, ensureAuthorityRoles, quotedIdentifier } from './authority-roles';
import { databaseUrl } from './database-url';
import { dropDatabase, ensureDatabase } from './ensure-database';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('AuthorityDatabase transactions (real PostgreSQL)', () => {
  const databaseName = `regsync_test_authority_${randomUUID().slice(0, 8)}`;
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  const statements: string[] = [];

  beforeAll(async () => {
    await ensureDatabase(serverUrl, databaseName);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, databaseName), extra: { max: 1 } }).initialize();
    await dataSource.query('create table notes (text text not null)');
    await ensureAuthorityRoles(dataSource, databaseName, ['03404000']);
    await dataSource.query(`grant select, insert on notes to ${quotedIdentifier(authorityRoleOf(databaseName, '03404000'))}`);
    database = new AuthorityDatabase(dataSource, databaseName);
    const query = PostgresQueryRunner.prototype.query;
    jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, text, ...rest) {
      statements.push(text);
      return query.call(this, text, ...rest);
    });
  }, 30_000);

  afterAll(async () => {
    jest.restoreAllMocks();
    await dataSource?.destroy();
    // The grant lives in the database: drop it first, then its roles.
    await dropDatabase(serverUrl, databaseName);
    const server = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
    await server.connect();
    await dropAuthorityRoles(server, databaseName).finally(() => server.end());
  });

  beforeEach(() => (statements.length = 0));

  it('acts as the authority from its first round trip, which also opens the transaction', async () => {
    const user = await runAsAuthority('03404000', () => database.transaction(async (manager) => ((await manager.query('select current_user as user')) as { user: string }[])[0].user));
    expect(user).toBe(authorityRoleOf(databaseName, '03404000'));
    expect(statements[0]).toMatch(/^start transaction; set local role /);
    expect(statements).toHaveLength(3);
    // SET LOCAL ended with the transaction: the pooled connection is the owner again.
    await expect(dataSource.query('select current_user as user')).resolves.toEqual([{ user: 'postgres' }]);
  });

  it('commits, rolls back on an error, and nests with a savepoint', async () => {
    await runAsAuthority('03404000', () => database.transaction((manager) => manager.query("insert into notes values ('kept')")));
    await expect(
      runAsAuthority('03404000', () =>
        database.transaction(async (manager) => {
          await manager.query("insert into notes values ('undone')");
          throw new Error('refused');
        }),
      ),
    ).rejects.toThrow('refused');
    await runAsAuthority('03404000', () =>
      database.transaction(async (manager) => {
        await manager.query("insert into notes values ('outer')");
        await manager.transaction((inner) => inner.query("insert into notes values ('inner')"));
        await manager.transaction(async (inner) => {
          await inner.query("insert into notes values ('inner undone')");
          throw new Error('inner refused');
        }).catch(() => undefined);
      }),
    );
    const notes = ((await dataSource.query('select text from notes order by text')) as { text: string }[]).map((row) => row.text);
    expect(notes).toEqual(['inner', 'kept', 'outer']);
  });

  it('leaves no transaction open on the pooled connection when the role cannot be taken', async () => {
    await expect(runAsAuthority('14612000', () => database.transaction((manager) => manager.query('select 1')))).rejects.toThrow(/role .* does not exist/);
    // The pool's one connection is usable outside any transaction.
    await expect(dataSource.query('select now() = statement_timestamp() as fresh')).resolves.toEqual([{ fresh: true }]);
  });
});

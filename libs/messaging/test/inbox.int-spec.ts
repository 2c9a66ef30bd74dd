import { randomUUID } from 'node:crypto';
import { DataSource, QueryRunner } from 'typeorm';
import { InboxEntry, recordAllInInbox, recordInInbox } from '../src/inbox';
import { messagingMigrations } from '../src/messaging-schema';
import { runAsAuthority, AuthorityDatabase, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, instanceDatabaseName, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { waitFor } from './support/test-environment';
import { eventOf, personDraft, subjectId } from './support/test-events';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('the inbox’s subject versions (real PostgreSQL)', () => {
  const databaseName = instanceDatabaseName('inbox', undefined, `msg_${randomUUID().slice(0, 8)}`);
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  // Each transaction acts as the recipient authority, as the consumer's do.
  const start = async (runner: QueryRunner) => {
    await runner.startTransaction();
    await runAsAuthority('03404000', () => database.enter(runner));
  };

  beforeAll(async () => {
    await ensureDatabase(serverUrl, databaseName);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, databaseName), migrations: messagingMigrations, migrationsRun: true }).initialize();
    await ensureAuthorityRoles(dataSource, databaseName, ['03404000']);
    database = new AuthorityDatabase(dataSource, databaseName);
  }, 30_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, databaseName);
  }, 30_000);

  function entry(subject: string, version: number): InboxEntry {
    return { event: eventOf(personDraft(subject, version), version), topic: 'test', partition: 0, offset: String(version) };
  }

  async function versionOf(subject: string): Promise<number> {
    const [{ version }] = (await dataSource.query('select version::int as version from regsync_applied_version where subject_id = $1', [subject])) as { version: number }[];
    return version;
  }

  /**
   * Two transactions record versions of a subject that has none yet: neither can lock a row the other has not
   * committed, so both decide "new" and the second one's upsert meets the first one's row.
   */
  async function recordConcurrently(first: (runner: QueryRunner) => Promise<unknown>, second: (runner: QueryRunner) => Promise<unknown>): Promise<void> {
    const [a, b] = [dataSource.createQueryRunner(), dataSource.createQueryRunner()];
    try {
      await start(a);
      await first(a);
      await start(b);
      const [{ pid }] = (await b.query('select pg_backend_pid() as pid')) as { pid: number }[];
      const secondDone = second(b);
      await waitFor('the second transaction to wait for the first one’s row', async () => {
        const rows = (await dataSource.query(`select 1 from pg_stat_activity where pid = $1 and wait_event_type = 'Lock'`, [pid])) as unknown[];
        return rows.length > 0;
      });
      await a.commitTransaction();
      await secondDone;
      await b.commitTransaction();
    } finally {
      await Promise.all([a.release(), b.release()]);
    }
  }

  it('never lowers a subject’s version when an older event is recorded concurrently with a newer one (one at a time first)', async () => {
    const subject = subjectId(1);
    await recordConcurrently(
      (runner) => recordInInbox(runner.manager, entry(subject, 5), { detectGaps: false, atGap: 'apply' }),
      (runner) => recordAllInInbox(runner.manager, [entry(subject, 3)], { detectGaps: false, atGap: 'apply' }),
    );
    expect(await versionOf(subject)).toBe(5);
  });

  it('never lowers a subject’s version when an older event is recorded concurrently with a newer one (a chunk first)', async () => {
    const subject = subjectId(2);
    await recordConcurrently(
      (runner) => recordAllInInbox(runner.manager, [entry(subject, 7)], { detectGaps: false, atGap: 'apply' }),
      (runner) => recordInInbox(runner.manager, entry(subject, 4), { detectGaps: false, atGap: 'apply' }),
    );
    expect(await versionOf(subject)).toBe(7);
  });
});

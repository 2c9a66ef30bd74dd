import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { messagingMigrations } from '../src/messaging-schema';
import { OutboxWakeUp, type WakeableRelay } from '../src/outbox-wake-up';
import { databaseUrl, instanceDatabaseName, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { waitFor } from './support/test-environment';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The relay as the wake-up sees it: whether it publishes, and when it was woken (the real relay reads the outbox then). */
class RecordingRelay implements WakeableRelay {
  publishing = true;
  wakes = 0;
  wake(): void {
    this.wakes++;
  }
}

describe('waking the outbox relay (real PostgreSQL)', () => {
  const databaseName = instanceDatabaseName('wakeup', undefined, `msg_${randomUUID().slice(0, 8)}`);
  let dataSource: DataSource;
  let listener: Client;
  const notifications: string[] = [];
  const relay = new RecordingRelay();
  let wakeUp: OutboxWakeUp;
  // An append as the outbox makes it: a row, then the wake-up, in the caller's transaction.
  const append = async (manager: EntityManager) => {
    await manager.query(
      `insert into regsync_outbox (authority_key, event_id, event_type, topic, record_key, payload, headers, subject_version) values ('03404000', $1, 'Test', 'test', 'k', '\\x00', '{}', 0)`,
      [randomUUID()],
    );
    await wakeUp.appended(manager);
  };
  // Notifications arrive in commit order: once a sentinel committed after the test's transactions has arrived, every
  // NOTIFY they sent has arrived too.
  const notificationsUntilNow = async () => {
    await dataSource.query("select pg_notify('wake_up_test_sentinel', '')");
    await waitFor('the sentinel notification', async () => notifications.includes('wake_up_test_sentinel'), 10_000);
    return notifications.filter((channel) => channel === 'regsync_outbox');
  };
  const unpublished = async () => Number((await dataSource.query('select count(*) as n from regsync_outbox where published_at is null'))[0].n);

  beforeAll(async () => {
    await ensureDatabase(serverUrl, databaseName);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, databaseName), migrations: messagingMigrations, migrationsRun: true }).initialize();
    wakeUp = new OutboxWakeUp(dataSource, relay);
    listener = new Client({ connectionString: databaseUrl(serverUrl, databaseName) });
    await listener.connect();
    listener.on('notification', (message) => notifications.push(message.channel));
    await listener.query('listen regsync_outbox');
    await listener.query('listen wake_up_test_sentinel');
  }, 30_000);

  afterAll(async () => {
    await listener?.end();
    await dataSource?.destroy();
    await dropDatabase(serverUrl, databaseName);
  }, 30_000);

  beforeEach(() => {
    relay.publishing = true;
    relay.wakes = 0;
    notifications.length = 0;
  });

  it('wakes the publishing relay of the process once the appending transaction has committed, without a NOTIFY', async () => {
    const before = await unpublished();
    await dataSource.transaction(async (manager) => {
      await append(manager);
      await append(manager);
      expect(relay.wakes).toBe(0);
    });
    expect(relay.wakes).toBe(1);
    // What the woken relay reads is committed.
    expect(await unpublished()).toBe(before + 2);
    await dataSource.transaction((manager) => manager.query('select 1'));
    expect(relay.wakes).toBe(1);
    expect(await notificationsUntilNow()).toEqual([]);
  });

  it('wakes it after the outer commit, not when a savepoint inside is released', async () => {
    await dataSource.transaction(async (manager) => {
      await manager.transaction((inner) => append(inner));
      expect(relay.wakes).toBe(0);
    });
    expect(relay.wakes).toBe(1);
  });

  it('does not wake it for a transaction rolled back', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await append(manager);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await dataSource.transaction((manager) => manager.query('select 1'));
    expect(relay.wakes).toBe(0);
  });

  it('sends the NOTIFY every relay listens for, at commit, while the relay of this process does not publish', async () => {
    relay.publishing = false;
    await dataSource.transaction(async (manager) => {
      await append(manager);
    });
    expect(await notificationsUntilNow()).toEqual(['regsync_outbox']);
    expect(relay.wakes).toBe(0);
  });

  it('leaves the NOTIFY to the writer: an insert alone notifies no one', async () => {
    relay.publishing = false;
    await dataSource.query(`insert into regsync_outbox (authority_key, event_id, event_type, topic, record_key, payload, headers, subject_version) values ('03404000', $1, 'Test', 'test', 'k', '\\x00', '{}', 0)`, [randomUUID()]);
    expect(await notificationsUntilNow()).toEqual([]);
  });
});

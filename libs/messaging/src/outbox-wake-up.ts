import { DataSource, EntityManager, EntitySubscriberInterface, TransactionCommitEvent, TransactionRollbackEvent } from 'typeorm';

/** Marks a query runner whose open transaction appended outbox rows (QueryRunner.data is TypeORM's place for this). */
const APPENDED = 'regsyncOutboxAppended';

/** What the wake-up needs of the relay of this process. */
export interface WakeableRelay {
  /** This relay holds the database's relay lock and publishes. */
  readonly publishing: boolean;
  /** Read the outbox again now instead of sleeping until the next poll. */
  wake(): void;
}

/**
 * How the relay learns of new outbox rows. A NOTIFY in the writing transaction makes PostgreSQL serialise the commits of
 * every notifying transaction of the database (a database-wide lock held through the commit's WAL flush; pgbench, 8
 * clients inserting a row per transaction on the loaded 2-core machine: 470–540 commits/s with pg_notify, 1,640–2,410
 * without). So while this process's relay is the one publishing, a transaction that appended rows wakes it in the
 * process once it has committed; otherwise (a standby, another replica publishing, a process without a relay) it sends
 * the NOTIFY that every relay listens for. The relay's poll stays the fallback.
 */
export class OutboxWakeUp implements EntitySubscriberInterface {
  constructor(
    dataSource: DataSource,
    private readonly relay: WakeableRelay,
  ) {
    dataSource.subscribers.push(this);
  }

  /** Called after rows were appended in the transaction of `manager`. */
  async appended(manager: EntityManager): Promise<void> {
    if (this.relay.publishing) manager.queryRunner!.data[APPENDED] = true;
    else await notifyRelays(manager);
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // Still active: only a savepoint was released; the rows become visible with the outer commit.
    if (queryRunner.isTransactionActive || !queryRunner.data[APPENDED]) return;
    delete queryRunner.data[APPENDED];
    this.relay.wake();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) delete queryRunner.data[APPENDED];
  }
}

/** The NOTIFY every relay of the database listens for; delivered at commit, once per transaction. */
export async function notifyRelays(manager: EntityManager): Promise<void> {
  await manager.query(`select pg_notify('regsync_outbox', '')`);
}

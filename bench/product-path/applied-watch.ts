import { Pool } from 'pg';
import { databaseUrl } from '@regsync/persistence/databases';

/** What every register has applied of one citizen action, found by its correlation id. */
export interface AppliedAction {
  transfers: number;
  /** When the last register applied its part (its transfer-log row, written in the apply transaction). */
  lastAppliedAt: number;
}

/**
 * Where a pipeline's recipients leave one row per applied delivery, written in the transaction that applied it. Both
 * queries take the correlation-id pattern as $1: `applied` gives correlation_id, transfers and last (when the last
 * of them committed); `duplicates` the effects applied twice.
 */
export interface AppliedRows {
  applied: string;
  duplicates: string;
}

/** regsync: every register's transfer log; a transfer logged twice for one event and recipient is a duplicate. */
export const TRANSFER_LOG_ROWS: AppliedRows = {
  applied: `select correlation_id, count(*)::int as transfers, max(transferred_at) as last
            from transfer_log where correlation_id like $1 group by correlation_id`,
  duplicates: `select count(*)::int as duplicates from (
                 select 1 from transfer_log where correlation_id like $1
                 group by event_id, recipient_register having count(*) > 1) twice`,
};

/**
 * Reads the applied rows of every recipient database: an action is applied everywhere when its rows are all there
 * (found by correlation id), and a row applied twice is a duplicate.
 */
export class AppliedWatch {
  private readonly pools: Pool[];

  constructor(
    serverUrl: string,
    databaseNames: readonly string[],
    private readonly rows: AppliedRows = TRANSFER_LOG_ROWS,
  ) {
    this.pools = databaseNames.map((name) => new Pool({ connectionString: databaseUrl(serverUrl, name), max: 1 }));
  }

  /** Per correlation id of the prefix: how many transfers are logged and when the last one was applied. */
  async applied(correlationPrefix: string): Promise<Map<string, AppliedAction>> {
    const perInstance = await Promise.all(
      this.pools.map((pool) =>
        pool.query<{ correlation_id: string; transfers: number; last: Date }>(this.rows.applied, [`${correlationPrefix}%`]),
      ),
    );
    const applied = new Map<string, AppliedAction>();
    for (const { rows } of perInstance) {
      for (const row of rows) {
        const seen = applied.get(row.correlation_id) ?? { transfers: 0, lastAppliedAt: 0 };
        applied.set(row.correlation_id, { transfers: seen.transfers + row.transfers, lastAppliedAt: Math.max(seen.lastAppliedAt, row.last.getTime()) });
      }
    }
    return applied;
  }

  /** Effects applied more than once. */
  async duplicates(correlationPrefix: string): Promise<number> {
    const perInstance = await Promise.all(this.pools.map((pool) => pool.query<{ duplicates: number }>(this.rows.duplicates, [`${correlationPrefix}%`])));
    return perInstance.reduce((sum, { rows }) => sum + rows[0].duplicates, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.end()));
  }
}

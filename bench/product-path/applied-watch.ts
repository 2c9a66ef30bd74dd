import { Pool } from 'pg';
import { databaseUrl, instanceDatabaseName } from '@regsync/persistence/database-url';
import type { TopologyInstance } from '@regsync/local-stack/local-stack';

/** What every register has applied of one citizen action, found by its correlation id in their transfer logs. */
export interface AppliedAction {
  transfers: number;
  /** When the last register applied its part (its transfer-log row, written in the apply transaction). */
  lastAppliedAt: number;
}

/**
 * Reads the transfer logs of every register instance, where each applied delivery leaves one row in the transaction
 * that applied it: so an action is applied everywhere when its rows are all there, and a row twice is a duplicate.
 */
export class AppliedWatch {
  private readonly pools: Pool[];

  constructor(serverUrl: string, instances: readonly TopologyInstance[], namespace: string) {
    this.pools = instances.map(
      (instance) => new Pool({ connectionString: databaseUrl(serverUrl, instanceDatabaseName(instance.app.replace('-register', ''), instance.instanceKey, namespace)), max: 1 }),
    );
  }

  /** Per correlation id of the prefix: how many transfers are logged and when the last one was applied. */
  async applied(correlationPrefix: string): Promise<Map<string, AppliedAction>> {
    const perInstance = await Promise.all(
      this.pools.map((pool) =>
        pool.query<{ correlation_id: string; transfers: number; last: Date }>(
          `select correlation_id, count(*)::int as transfers, max(transferred_at) as last
           from transfer_log where correlation_id like $1 group by correlation_id`,
          [`${correlationPrefix}%`],
        ),
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

  /** Transfers logged more than once for the same event and recipient register: an effect applied twice. */
  async duplicates(correlationPrefix: string): Promise<number> {
    const perInstance = await Promise.all(
      this.pools.map((pool) =>
        pool.query<{ duplicates: number }>(
          `select count(*)::int as duplicates from (
             select 1 from transfer_log where correlation_id like $1
             group by event_id, recipient_register having count(*) > 1) twice`,
          [`${correlationPrefix}%`],
        ),
      ),
    );
    return perInstance.reduce((sum, { rows }) => sum + rows[0].duplicates, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.end()));
  }
}

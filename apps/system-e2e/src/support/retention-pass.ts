import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RetentionJob } from '@regsync/data-protection/retention-and-erasure';
import { waitUntil } from '@regsync/local-stack/wait-until';

/** Waits until `app` (`who`) has published every row of its outbox. */
export async function outboxPublished(app: INestApplication, who: string): Promise<void> {
  await waitUntil(
    `${who} published its outbox`,
    async () => {
      const [{ pending }] = (await app.get(DataSource).query('select count(*)::int as pending from regsync_outbox where published_at is null')) as { pending: number }[];
      return pending === 0 || undefined;
    },
    120_000,
  );
}

/**
 * One pass of `app`'s retention job at `now`, its outbox published after it (the key tombstones with it): how many rows
 * it deleted of each of `tables`, tables with none left out.
 */
export async function retentionPassAt(app: INestApplication, now: string, tables: readonly string[]): Promise<Record<string, number>> {
  const deletions = await app.get(RetentionJob).run(new Date(now));
  await outboxPublished(app, 'the retention pass');
  return Object.fromEntries(deletions.filter(({ table, deleted }) => deleted > 0 && tables.includes(table)).map(({ table, deleted }) => [table, deleted]));
}

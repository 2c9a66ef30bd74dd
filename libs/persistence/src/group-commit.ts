import { AsyncResource } from 'node:async_hooks';
import { EntityManager } from 'typeorm';
import { currentAuthority, runAsAuthority } from './authority-context';
import { AuthorityDatabase } from './authority-database';

interface Unit {
  work: (manager: EntityManager) => Promise<unknown>;
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** The most units one transaction takes; the rest form the next group. */
const MAX_GROUP = 64;

/**
 * Group commit: units of work of one authority that arrive while its transaction is open wait for it and then run
 * together in the next transaction, one after the other; each caller gets its own result once that transaction has
 * committed. Many requests share one BEGIN (with the authority's role), one COMMIT and its WAL flush. At one request at
 * a time nothing waits: a unit that finds no transaction open starts one at once.
 *
 * One unit must not fail the others: if a unit throws, the group is rolled back and every unit runs again in a
 * transaction of its own, so only the failing one fails. Units therefore must do nothing but database work in the
 * transaction they are given (safe to run again after a rollback). A failed commit fails the whole group: whether it
 * took effect is unknown, as for a single transaction. Each unit runs in its caller's async context (its request's
 * trace, logger and authority).
 */
export class GroupCommit {
  private readonly waiting = new Map<string, Unit[]>();

  constructor(private readonly database: AuthorityDatabase) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const authority = currentAuthority();
    return new Promise<T>((resolve, reject) => {
      const unit: Unit = { work: AsyncResource.bind(work), resolve: resolve as (result: unknown) => void, reject };
      const queue = this.waiting.get(authority);
      if (queue) queue.push(unit);
      else {
        this.waiting.set(authority, [unit]);
        void this.drain(authority);
      }
    });
  }

  /** Commits the authority's queued units group by group until none is left. */
  private async drain(authority: string): Promise<void> {
    const queue = this.waiting.get(authority)!;
    while (queue.length > 0) {
      const group = queue.splice(0, MAX_GROUP);
      await runAsAuthority(authority, () => this.commitGroup(group));
    }
    this.waiting.delete(authority);
  }

  private async commitGroup(group: Unit[]): Promise<void> {
    let unitFailed = false;
    let results: unknown[];
    try {
      results = await this.database.transaction(async (manager) => {
        const done: unknown[] = [];
        for (const unit of group) {
          done.push(
            await unit.work(manager).catch((error: unknown) => {
              unitFailed = true;
              throw error;
            }),
          );
        }
        return done;
      });
    } catch (error) {
      if (!unitFailed || group.length === 1) for (const unit of group) unit.reject(error);
      // Nothing of the group is committed: each unit on its own, the failing one fails alone.
      else await Promise.all(group.map((unit) => this.database.transaction(unit.work).then(unit.resolve, unit.reject)));
      return;
    }
    group.forEach((unit, index) => unit.resolve(results[index]));
  }
}

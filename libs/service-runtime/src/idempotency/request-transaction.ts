import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import { EntityManager } from 'typeorm';
import { AuthorityDatabase } from '@regsync/persistence/authority-scope';

/**
 * The database transaction of one write request. A request with an Idempotency-Key runs in the transaction that also
 * stores the key and its answer (idempotent-requests.ts), so the register change, its outbox rows and the key commit
 * together or not at all; a request without a key gets a transaction of its own. Both act as the request's authority.
 */
@Injectable()
export class RequestTransaction {
  private readonly open = new AsyncLocalStorage<EntityManager>();

  constructor(private readonly database: AuthorityDatabase) {}

  /** Runs `work` in the request's open transaction, or in a new one. */
  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const manager = this.open.getStore();
    return manager ? work(manager) : this.database.transaction(work);
  }

  /** Makes `manager`'s transaction the one every `run` inside `request` uses. */
  within<T>(manager: EntityManager, request: () => Promise<T>): Promise<T> {
    return this.open.run(manager, request);
  }
}

import { Injectable } from '@nestjs/common';
import { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { IDEMPOTENCY_KEY_RETENTION_HOURS } from '@regsync/register-domain/retention';
import { IdempotencyKeyRefusal } from './idempotency-key-refusal';
import { RequestTransaction } from './request-transaction';

export { IDEMPOTENCY_KEY_RETENTION_HOURS };

export interface IdempotentRequest {
  /** The authenticated agency (agency-api-key.guard.ts): keys of different agencies never meet. */
  agency: string;
  key: string;
  fingerprint: string;
}

export interface IdempotentAnswer {
  body: unknown;
  replayed: boolean;
}

/**
 * The advisory lock of one (agency, key), held by the transaction of the request that uses it; a second request
 * with the key finds it taken and is answered 409 instead of waiting. `$1` agency, `$2` key.
 */
export const KEY_LOCK = `hashtextextended($2, hashtextextended($1, 0))`;

const TRY_LOCK_KEY = `select pg_try_advisory_xact_lock(${KEY_LOCK}) as locked`;
const FORGET_EXPIRED_KEY = `delete from regsync_idempotency_keys where agency = $1 and idempotency_key = $2 and expires_at <= now()`;
const FIND_KEY = `select request_fingerprint as fingerprint, response_body as body from regsync_idempotency_keys where agency = $1 and idempotency_key = $2`;
const STORE_KEY = `
  insert into regsync_idempotency_keys (agency, idempotency_key, request_fingerprint, response_body, expires_at)
  values ($1, $2, $3, $4, now() + make_interval(hours => $5))`;

/**
 * Runs a write request at most once per agency and key: the first time in one transaction with the stored key and
 * its answer, afterwards by answering from the store. Only successful answers are stored: a refused request (4xx)
 * rolls back with its key, so the client may correct it and send it again with the same key.
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly database: AuthorityDatabase,
    private readonly requestTransaction: RequestTransaction,
  ) {}

  once(request: IdempotentRequest, execute: () => Promise<unknown>): Promise<IdempotentAnswer> {
    const { agency, key, fingerprint } = request;
    return this.database.transaction(async (manager) => {
      const [{ locked }] = (await manager.query(TRY_LOCK_KEY, [agency, key])) as { locked: boolean }[];
      if (!locked) throw IdempotencyKeyRefusal.inFlight();
      await manager.query(FORGET_EXPIRED_KEY, [agency, key]);
      const [stored] = (await manager.query(FIND_KEY, [agency, key])) as { fingerprint: string; body: unknown }[];
      if (stored) {
        if (stored.fingerprint !== fingerprint) throw IdempotencyKeyRefusal.reused();
        return { body: stored.body, replayed: true };
      }
      const body = await this.requestTransaction.within(manager, execute);
      await manager.query(STORE_KEY, [agency, key, fingerprint, JSON.stringify(body ?? null), IDEMPOTENCY_KEY_RETENTION_HOURS]);
      return { body, replayed: false };
    });
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which hosted authority (a municipality's AGS, a Land code, 'DE') the current unit of work acts for. A process may
 * host several authorities; every request and every handler call runs as exactly one of them, and its database
 * transaction takes that authority's role (authority-database.ts), so row-level security keeps the others' rows out.
 */
const authority = new AsyncLocalStorage<string>();

/** An authority key: letters and digits only, as it becomes part of a database role name. */
export const AUTHORITY_KEY_PATTERN = /^[A-Za-z0-9]{1,14}$/;

export class NoAuthorityError extends Error {
  constructor() {
    super('no authority: this code must run inside runAsAuthority(authorityKey, ...) (a request of an agency, or an event of a delivery topic)');
  }
}

/** Runs `work` (and everything it awaits) as the authority `authorityKey`. */
export function runAsAuthority<T>(authorityKey: string, work: () => T): T {
  if (!AUTHORITY_KEY_PATTERN.test(authorityKey)) throw new Error(`authority key "${authorityKey}": only letters and digits, at most 14`);
  return authority.run(authorityKey, work);
}

/** The authority the current unit of work acts for; throws NoAuthorityError outside `runAsAuthority`. */
export function currentAuthority(): string {
  const key = authority.getStore();
  if (key === undefined) throw new NoAuthorityError();
  return key;
}

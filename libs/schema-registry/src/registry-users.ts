import { createHash, timingSafeEqual } from 'node:crypto';

/** Who may write to the registry (HTTP basic auth, like Confluent's `authentication.method=BASIC`); reads stay open. */
export interface RegistryUsers {
  /** username → password */
  passwords: Record<string, string>;
  /** Users that authenticate but may only read (403 on a write). */
  readOnly: string[];
}

export type Authentication = { kind: 'anonymous' } | { kind: 'invalid'; reason: string } | { kind: 'user'; username: string; mayWrite: boolean };

/** Reads an `Authorization` header: `Basic base64(user:password)` checked against the configured users. */
export function authenticate(users: RegistryUsers, authorization: string | undefined): Authentication {
  if (!authorization) return { kind: 'anonymous' };
  const [scheme, encoded] = authorization.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !encoded) return { kind: 'invalid', reason: 'only HTTP basic authentication is accepted' };
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const username = separator < 0 ? decoded : decoded.slice(0, separator);
  const expected = Object.hasOwn(users.passwords, username) ? users.passwords[username] : undefined;
  if (separator < 0 || expected === undefined || !samePassword(decoded.slice(separator + 1), expected)) return { kind: 'invalid', reason: 'unknown user or wrong password' };
  return { kind: 'user', username, mayWrite: !users.readOnly.includes(username) };
}

/** Compares digests in constant time, so the answer time tells nothing about the password. */
function samePassword(given: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

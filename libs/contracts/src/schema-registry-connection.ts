import { randomBytes } from 'node:crypto';

export interface RegistryCredential {
  username: string;
  password: string;
}

/** How a client reaches a Confluent-compatible schema registry. */
export interface SchemaRegistryConnection {
  /** The address without credentials: the only form logs, errors and health details show. */
  url: string;
  /** HTTP basic credentials, sent with every request (the local registry needs them for writes, Confluent's for all). */
  auth?: RegistryCredential;
}

/**
 * Splits `SCHEMA_REGISTRY_URL` into address and credentials. The credentials ride in the URL's user info
 * (`http://user:password@host:8081`, percent-encoded), as with Confluent's `basic.auth.credentials.source=URL`.
 */
export function schemaRegistryConnectionOf(registryUrl: string): SchemaRegistryConnection {
  const parsed = new URL(registryUrl);
  const auth = parsed.username || parsed.password ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } : undefined;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href.replace(/\/$/, ''), auth };
}

/** Why a registry URL is unusable (not http(s), credentials without user or password), or undefined when it is fine. */
export function schemaRegistryUrlProblem(registryUrl: string): string | undefined {
  const parsed = URL.canParse(registryUrl) ? new URL(registryUrl) : undefined;
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) return 'must be an http(s) URL';
  if ((parsed.username || parsed.password) && !(parsed.username && parsed.password)) return 'credentials in the URL need both user and password (http://user:password@host:port)';
  return undefined;
}

/** The registry URL that carries a writer's credentials (what a service gets as SCHEMA_REGISTRY_URL). */
export function registryUrlWithCredential(url: string, credential: RegistryCredential): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(credential.username);
  parsed.password = encodeURIComponent(credential.password);
  return parsed.href.replace(/\/$/, '');
}

/** A fresh writer credential for a registry the project starts itself (local stack, tests, bench): made at start, never stored. */
export function newRegistryCredential(username = 'regsync-services'): RegistryCredential {
  return { username, password: randomBytes(24).toString('hex') };
}

/** The registry's BASIC_AUTH_USERS setting for these credentials. */
export function basicAuthUsersOf(...credentials: RegistryCredential[]): string {
  return credentials.map(({ username, password }) => `${username}:${password}`).join(',');
}

/** The `Authorization` header value for a credential. */
export function basicAuthorization({ username, password }: RegistryCredential): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

import { z } from 'zod';
import { loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http on this machine only (the project's local IdP): tokens and session cookies never cross a network in clear. */
const secureUrl = z
  .string()
  .url()
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  }, 'must be https (http only on 127.0.0.1 or localhost)');

export const opsDashboardConfigShape = {
  ...serviceConfigShape,
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /**
   * The instances to watch: a path to a JSON file or the JSON itself, `{ "instances": [...] }` with per instance
   * `app`, `instanceKey`, `name` and either `baseUrl` or `port` (local topology), and either `apiKey` or
   * `agencyApiKeys` (the first is used for /ops/registers). Default: deploy/local/topology.json.
   */
  TOPOLOGY: z.string().optional(),
  /** Added to the `port` of topology instances, so a test stack beside the demo is watched correctly. */
  TOPOLOGY_PORT_OFFSET: z.coerce.number().int().min(0).default(0),
  /** Events kept in memory for the correlation search; the oldest are forgotten first. */
  CORRELATION_INDEX_LIMIT: z.coerce.number().int().min(100).default(200_000),
  /** The OpenID Connect provider people log in with (e.g. `https://keycloak.example/realms/regsync`); discovered at the first login. */
  OIDC_ISSUER_URL: secureUrl,
  OIDC_CLIENT_ID: z.string().min(1),
  OIDC_CLIENT_SECRET: z.string().min(16, 'at least 16 characters'),
  /** This dashboard's callback as registered at the provider, e.g. `https://ops.example/auth/callback`. */
  OIDC_REDIRECT_URL: secureUrl.refine((value) => new URL(value).pathname.endsWith('/auth/callback'), 'must end with /auth/callback'),
  OIDC_SCOPES: z.string().default('openid profile roles'),
  /** The ID token claim with the person's roles, a dotted path for nested claims (Keycloak: `realm_access.roles`). */
  OIDC_ROLES_CLAIM: z.string().regex(/^[\w-]+(\.[\w-]+)*$/, 'a claim name or dotted path').default('roles'),
  /** A Prometheus that evaluates deploy/prometheus/alerts.yaml (e.g. `http://127.0.0.1:9090`): its alerts are shown; none = no alert panel. */
  PROMETHEUS_URL: z.string().url().optional(),
  /** How long a login lasts; then the person logs in again. */
  SESSION_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(480),
};

export type OpsDashboardConfig = ReturnType<typeof loadOpsDashboardConfig>;

export function loadOpsDashboardConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(opsDashboardConfigShape, env);
}

import { z } from 'zod';
import { loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

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
};

export type OpsDashboardConfig = ReturnType<typeof loadOpsDashboardConfig>;

export function loadOpsDashboardConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(opsDashboardConfigShape, env);
}

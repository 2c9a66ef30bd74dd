import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf } from '@regsync/contracts/topics';
import { ConfigError } from '@regsync/service-runtime/service-config';

export interface WatchedInstance {
  /** `municipal-register 03404000`: the name used in every view. */
  id: string;
  app: string;
  instanceKey: string;
  name: string;
  baseUrl: string;
  apiKey: string | undefined;
  consumerGroup: string;
  /** False for the router: it keeps no register, so drift does not ask it. */
  keepsRegisters: boolean;
}

const instanceShape = z.object({
  app: z.string().min(1),
  instanceKey: z.string().min(1),
  name: z.string().default(''),
  baseUrl: z.string().url().optional(),
  port: z.number().int().optional(),
  apiKey: z.string().optional(),
  agencyApiKeys: z.record(z.string(), z.string()).optional(),
});
/** The router (apps/router): watched like a register instance, under its app and instance key. */
const routerShape = z.object({
  instanceKey: z.string().min(1).default(ROUTER_INSTANCE_KEY),
  name: z.string().default('Router'),
  baseUrl: z.string().url().optional(),
  port: z.number().int().optional(),
});
const topologyShape = z.object({ instances: z.array(instanceShape).min(1), router: routerShape.optional() });

function defaultTopologyPath(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'deploy', 'local', 'topology.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError('TOPOLOGY: not set and no deploy/local/topology.json found');
}

/**
 * The instances the dashboard watches, from TOPOLOGY (a file or inline JSON) or the local demo topology: every
 * register instance, then the router when the topology has one.
 */
export function loadDashboardTopology(topology: string | undefined, portOffset: number, namespace: string): WatchedInstance[] {
  const text = topology?.trim().startsWith('{') ? topology : readFileSync(topology ?? defaultTopologyPath(), 'utf8');
  const parsed = topologyShape.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ConfigError(`TOPOLOGY: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const { instances, router } = parsed.data;
  // The router serves no agency API (no key) and keeps no register.
  const watched = [...instances.map((instance) => ({ ...instance, keepsRegisters: true })), ...(router ? [{ ...router, app: ROUTER_APP, apiKey: undefined, agencyApiKeys: undefined, keepsRegisters: false }] : [])];
  return watched.map((instance) => {
    const baseUrl = instance.baseUrl ?? (instance.port !== undefined ? `http://127.0.0.1:${instance.port + portOffset}` : undefined);
    if (!baseUrl) throw new ConfigError(`TOPOLOGY: ${instance.app} ${instance.instanceKey} needs baseUrl or port`);
    return {
      id: `${instance.app} ${instance.instanceKey}`,
      app: instance.app,
      instanceKey: instance.instanceKey,
      name: instance.name,
      baseUrl: baseUrl.replace(/\/$/, ''),
      apiKey: instance.apiKey ?? Object.values(instance.agencyApiKeys ?? {})[0],
      consumerGroup: consumerGroupOf(instance.app, instance.instanceKey, namespace),
      keepsRegisters: instance.keepsRegisters,
    };
  });
}

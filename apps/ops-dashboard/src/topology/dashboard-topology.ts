import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { consumerGroupOf } from '@regsync/contracts/topic-catalog';
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
const topologyShape = z.object({ instances: z.array(instanceShape).min(1) });

function defaultTopologyPath(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'deploy', 'local', 'topology.json');
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigError('TOPOLOGY: not set and no deploy/local/topology.json found');
}

/** The instances the dashboard watches, from TOPOLOGY (a file or inline JSON) or the local demo topology. */
export function loadDashboardTopology(topology: string | undefined, portOffset: number, namespace: string): WatchedInstance[] {
  const text = topology?.trim().startsWith('{') ? topology : readFileSync(topology ?? defaultTopologyPath(), 'utf8');
  const parsed = topologyShape.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ConfigError(`TOPOLOGY: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data.instances.map((instance) => {
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
    };
  });
}

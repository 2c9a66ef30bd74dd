import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { registerProcessesOf } from '@regsync/contracts/broker-access';
import type { BrokerInstance } from '@regsync/contracts/broker-access';
import { loadConfig, serviceConfigShape } from '@regsync/service-runtime/service-config';

export const brokerAclsConfigShape = {
  /** The admin (a super user of the broker): only it may create ACLs. */
  KAFKA_BROKERS: serviceConfigShape.KAFKA_BROKERS,
  KAFKA_SASL_MECHANISM: serviceConfigShape.KAFKA_SASL_MECHANISM,
  KAFKA_USERNAME: z.string().min(1),
  KAFKA_PASSWORD: z.string().min(1),
  NAMESPACE: serviceConfigShape.NAMESPACE,
  /** The topology whose register instances get principals and ACLs (`{ "instances": [{ "app", "instanceKey" }] }`). */
  TOPOLOGY_FILE: z.string().default('deploy/local/topology.json'),
};

export type BrokerAclsConfig = ReturnType<typeof loadBrokerAclsConfig>;

export function loadBrokerAclsConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(brokerAclsConfigShape, env);
}

const app = z.enum(['federal-register', 'state-register', 'municipal-register']);
const topologyFile = z.object({
  instances: z.array(z.object({ app, instanceKey: z.string().min(1) })).min(1),
  providers: z.array(z.object({ id: z.string().min(1), app, authorities: z.array(z.string()).min(1) })).optional(),
});

/** The register processes of the topology file (a provider hosting several instances is one): one principal each. */
export function topologyInstances(file: string): BrokerInstance[] {
  return registerProcessesOf(topologyFile.parse(JSON.parse(readFileSync(file, 'utf8')))).map(({ app, instanceKey }) => ({ app, instanceKey }));
}

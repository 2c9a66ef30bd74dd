import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { BrokerInstance } from '@regsync/contracts/broker-acls';
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

const topologyFile = z.object({ instances: z.array(z.object({ app: z.enum(['federal-register', 'state-register', 'municipal-register']), instanceKey: z.string().min(1) })).min(1) });

export function topologyInstances(file: string): BrokerInstance[] {
  return topologyFile.parse(JSON.parse(readFileSync(file, 'utf8'))).instances;
}

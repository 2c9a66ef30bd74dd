// Who connects to the broker. Kept free of imports: tools/infra/infra.mjs loads this file to create the SCRAM
// credentials of exactly these principals when it formats a new broker.

/**
 * A register instance's own broker principal, e.g. `municipal-register.03404000`, `federal-register.de`: lower case, so
 * it is also a valid Kubernetes name (Strimzi names a KafkaUser's principal after the resource).
 */
export function brokerPrincipalOf(app: string, instanceKey: string): string {
  return `${app}.${instanceKey}`.toLowerCase();
}

/** The principals that are not a register instance. */
export const SERVICE_PRINCIPALS = { router: 'router', opsDashboard: 'ops-dashboard', replay: 'replay' } as const;

/** The super user of the local broker: infrastructure scripts, ACL creation, tests. Never a service's principal. */
export const ADMIN_PRINCIPAL = 'regsync-admin';

/** A topology's register instances (authorities) and the provider processes that host several of them. */
export interface ProcessTopology<Instance extends { app: string; instanceKey: string }> {
  instances: readonly Instance[];
  /** `id`: the provider process's INSTANCE_KEY; `authorities`: the instance keys (of `instances`, of its app) it hosts. */
  providers?: readonly { id: string; app: string; authorities: readonly string[] }[];
}

/** One register process: `instanceKey` names its topics, consumer group and broker principal; `hosts`, its authorities. */
export interface RegisterProcess<Instance> {
  app: string;
  instanceKey: string;
  hosts: Instance[];
}

/**
 * The register processes of a topology: each provider with the instances it hosts, and each instance no provider
 * hosts as a process of its own (its instance key its provider id). An instance hosted twice, or a provider naming an
 * instance the topology does not have, is refused.
 */
export function registerProcessesOf<Instance extends { app: string; instanceKey: string }>(topology: ProcessTopology<Instance>): RegisterProcess<Instance>[] {
  const hostedBy = new Map<string, string>();
  const instanceByName = new Map(topology.instances.map((instance) => [`${instance.app}.${instance.instanceKey}`, instance]));
  const providers = (topology.providers ?? []).map(({ id, app, authorities }) => ({
    app,
    instanceKey: id,
    hosts: authorities.map((key) => {
      const instance = instanceByName.get(`${app}.${key}`);
      if (!instance) throw new Error(`topology: provider ${id} hosts ${app} ${key}, which is no instance of the topology`);
      if (hostedBy.has(`${app}.${key}`)) throw new Error(`topology: ${app} ${key} is hosted by both ${hostedBy.get(`${app}.${key}`)} and ${id}`);
      hostedBy.set(`${app}.${key}`, id);
      return instance;
    }),
  }));
  const ownProcesses = topology.instances.filter((instance) => !hostedBy.has(`${instance.app}.${instance.instanceKey}`)).map((instance) => ({ app: instance.app, instanceKey: instance.instanceKey, hosts: [instance] }));
  return [...ownProcesses, ...providers];
}

/** Every principal that needs credentials for a topology: one per register process (provider), and the services'. */
export function brokerPrincipalsOf(topology: ProcessTopology<{ app: string; instanceKey: string }>): string[] {
  return [...registerProcessesOf(topology).map((process) => brokerPrincipalOf(process.app, process.instanceKey)), ...Object.values(SERVICE_PRINCIPALS), ADMIN_PRINCIPAL];
}

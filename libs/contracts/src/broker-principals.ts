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

/** Every principal that needs credentials for a topology's register instances. */
export function brokerPrincipalsOf(instances: readonly { app: string; instanceKey: string }[]): string[] {
  return [...instances.map((instance) => brokerPrincipalOf(instance.app, instance.instanceKey)), ...Object.values(SERVICE_PRINCIPALS), ADMIN_PRINCIPAL];
}

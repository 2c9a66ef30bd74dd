import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { loadBrokerAclsConfig } from '@regsync/apps/broker-acls/src/config';
import { loadFederalConfig } from '@regsync/apps/federal-register/src/config';
import { loadLocalIdpConfig } from '@regsync/apps/local-idp/src/config';
import { loadMunicipalConfig } from '@regsync/apps/municipal-register/src/config';
import { loadOpsDashboardConfig } from '@regsync/apps/ops-dashboard/src/config';
import { loadRouterConfig } from '@regsync/apps/router/src/config';
import { loadSchemaRegistryConfig } from '@regsync/schema-registry/registry-config';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { brokerAclsOf, ADMIN_PRINCIPAL, SERVICE_PRINCIPALS, brokerPrincipalOf, brokerPrincipalsOf } from '@regsync/contracts/broker-access';
import { APP_OF_LEVEL } from '@regsync/contracts/topics';
import { kafkaConnectionOf } from '@regsync/service-runtime/service-config';
import { loadTopology, workspaceRoot } from '@regsync/local-stack/local-stack';

// docker-compose.yml and deploy/k8s cannot be started on a machine without Docker or a cluster, so they are checked
// against what the services demand of their environment (their own config loaders) and against the broker's ACLs.

type Env = Record<string, string>;
const root = workspaceRoot();
const topology = loadTopology();
const principals = brokerPrincipalsOf(topology);
const registerApps = new Set(['federal-register', 'state-register', 'municipal-register']);

/** Every app's config loader, by the app its command starts (`node dist/apps/<app>/src/main.js`). */
const loaders: Record<string, (env: Env) => unknown> = {
  'federal-register': loadFederalConfig,
  'state-register': loadStateConfig,
  'municipal-register': loadMunicipalConfig,
  router: loadRouterConfig,
  'ops-dashboard': loadOpsDashboardConfig,
  'local-idp': loadLocalIdpConfig,
  'schema-registry': loadSchemaRegistryConfig,
  'broker-acls': loadBrokerAclsConfig,
};

const appOf = (command: unknown): string | undefined => (Array.isArray(command) ? /^dist\/apps\/([^/]+)\/src\/main\.js$/.exec(String(command[1]))?.[1] : undefined);
const stringsOf = (env: Record<string, unknown> = {}): Env => Object.fromEntries(Object.entries(env).map(([name, value]) => [name, String(value)]));

/** The secrets `npm run compose:env` generates, from a run of the real tool into a file of its own. */
function generatedSecrets(): Env {
  const dir = mkdtempSync(join(tmpdir(), 'regsync-compose-env-'));
  try {
    const result = spawnSync(process.execPath, [join(root, 'tools', 'compose-env.mjs'), '--out', join(dir, '.env')], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`compose-env failed: ${result.stderr}`);
    const lines = readFileSync(join(dir, '.env'), 'utf8').split('\n').filter((line) => /^[A-Z0-9_]+=/.test(line));
    return Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Docker Compose's interpolation: `${NAME}`, `${NAME:?message}`, `$$` for a literal `$`; records the names used. */
function interpolator(secrets: Env, used: Set<string>) {
  return (text: string): string =>
    text.replace(/\$\$|\$\{([A-Z0-9_]+)(?::\?[^}]*)?\}/g, (_match, name: string | undefined) => {
      if (!name) return '$';
      used.add(name);
      if (!(name in secrets)) throw new Error(`docker-compose.yml reads \${${name}}, which npm run compose:env does not generate`);
      return secrets[name];
    });
}

describe('docker-compose.yml', () => {
  const raw = YAML.parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: unknown; environment?: Record<string, unknown>; network_mode?: string; ports?: string[]; depends_on?: Record<string, unknown> }> };
  const secrets = generatedSecrets();
  const used = new Set<string>();
  const interpolate = interpolator(secrets, used);
  const services = Object.entries(raw.services).map(([name, service]) => ({
    name,
    service,
    app: appOf(service.command),
    rawEnv: stringsOf(service.environment),
    env: Object.fromEntries(Object.entries(stringsOf(service.environment)).map(([key, value]) => [key, interpolate(value)])),
  }));
  const formatCommand = interpolate(String((raw.services['kafka-format'].command as string[])[0]));
  const formattedPasswords = Object.fromEntries([...formatCommand.matchAll(/--add-scram 'SCRAM-SHA-512=\[name=([^,]+),password=([^\]]+)\]'/g)].map((match) => [match[1], match[2]]));
  const serviceOf = (app: string, instanceKey?: string) => services.find((candidate) => candidate.app === app && (instanceKey === undefined || candidate.env.INSTANCE_KEY === instanceKey));

  it('reads only secrets that `npm run compose:env` generates, and uses every one of them', () => {
    for (const service of Object.values(raw.services)) JSON.stringify(service).replace(/\$\{([A-Z0-9_]+)/g, (match, name: string) => (used.add(name), match));
    expect([...used].sort()).toEqual(Object.keys(secrets).sort());
  });

  it('keeps every password, key and client secret out of the file', () => {
    for (const { name, rawEnv } of services) {
      for (const [key, value] of Object.entries(rawEnv).filter(([key]) => /PASSWORD|SECRET|API_KEYS|BASIC_AUTH_USERS|LOCAL_IDP_USERS|DATABASE_URL|SCHEMA_REGISTRY_URL/.test(key))) {
        expect({ service: name, key, fromVariable: value.includes('${') }).toEqual({ service: name, key, fromVariable: true });
      }
    }
  });

  it('runs the router, the registry, the IdP, the dashboard and every register instance of deploy/local/topology.json', () => {
    for (const instance of topology.instances) expect(serviceOf(instance.app, instance.app === 'federal-register' ? undefined : instance.instanceKey)).toBeDefined();
    for (const app of ['router', 'schema-registry', 'local-idp', 'ops-dashboard', 'broker-acls']) expect(serviceOf(app)).toBeDefined();
    expect(services.filter((service) => registerApps.has(service.app ?? ''))).toHaveLength(topology.instances.length);
  });

  it('gives every service an environment its own config loader accepts', () => {
    for (const { name, app, env } of services.filter((service) => service.app)) {
      expect({ service: name, problem: problemOf(() => loaders[app!](env)) }).toEqual({ service: name, problem: undefined });
      if (env.KAFKA_BROKERS) expect({ service: name, sasl: kafkaConnectionOf(loaders[app!](env) as Parameters<typeof kafkaConnectionOf>[0]).sasl?.mechanism }).toEqual({ service: name, sasl: 'scram-sha-512' });
    }
  });

  it('formats the broker with the SCRAM credentials of exactly the topology principals', () => {
    expect(Object.keys(formattedPasswords).sort()).toEqual([...principals].sort());
  });

  it('connects every service as its own principal, with the password the broker was formatted with', () => {
    const expected = [
      ...topology.instances.map((instance) => ({ service: serviceOf(instance.app, instance.app === 'federal-register' ? undefined : instance.instanceKey)!, principal: brokerPrincipalOf(instance.app, instance.instanceKey) })),
      { service: serviceOf('router')!, principal: SERVICE_PRINCIPALS.router },
      { service: serviceOf('ops-dashboard')!, principal: SERVICE_PRINCIPALS.opsDashboard },
      { service: serviceOf('broker-acls')!, principal: ADMIN_PRINCIPAL },
    ];
    for (const { service, principal } of expected) {
      expect({ service: service.name, username: service.env.KAFKA_USERNAME, password: service.env.KAFKA_PASSWORD }).toEqual({ service: service.name, username: principal, password: formattedPasswords[principal] });
    }
    // every principal the ACLs allow something is a service here, or the replay tool an operator runs
    const connecting = new Set(services.map((service) => service.env.KAFKA_USERNAME).filter(Boolean));
    const named = new Set(brokerAclsOf(topology.instances).map((acl) => acl.principal.replace(/^User:/, '')));
    expect([...named].filter((principal) => !connecting.has(principal))).toEqual([SERVICE_PRINCIPALS.replay]);
  });

  it('runs the broker with SASL/SCRAM only and the StandardAuthorizer, the admin its only super user', () => {
    const kafka = services.find((service) => service.name === 'kafka')!.env;
    const properties = Object.fromEntries(Object.entries(kafka).filter(([key]) => key.startsWith('KAFKA_')).map(([key, value]) => [propertyOf(key), value]));
    expect(properties['listener.security.protocol.map'].split(',').map((entry) => entry.split(':')[1])).toEqual(['SASL_PLAINTEXT', 'SASL_PLAINTEXT']);
    expect(properties).toMatchObject({
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': `User:${ADMIN_PRINCIPAL}`,
      'allow.everyone.if.no.acl.found': 'false',
    });
    expect(properties['listener.name.client.scram-sha-512.sasl.jaas.config']).toContain(`password="${secrets.KAFKA_ADMIN_PASSWORD}"`);
    expect(services.find((service) => service.name === 'kafka-format')!.env).toEqual(kafka);
  });

  it('routes every register instance of the topology', () => {
    const { ROUTED_INSTANCES } = loadRouterConfig(serviceOf('router')!.env);
    expect(ROUTED_INSTANCES.map((instance) => `${APP_OF_LEVEL[instance.level]} ${instance.instanceKey}`).sort()).toEqual(topology.instances.map((instance) => `${instance.app} ${instance.instanceKey}`).sort());
  });

  it('lets the dashboard log people in at the local IdP, which the browser reaches at the same address', () => {
    const dashboard = loadOpsDashboardConfig(serviceOf('ops-dashboard')!.env);
    const idpService = serviceOf('local-idp')!;
    const idp = loadLocalIdpConfig(idpService.env);
    expect(idp.ISSUER).toBe(dashboard.OIDC_ISSUER_URL);
    expect(idp.LOCAL_IDP_CLIENTS).toContainEqual(expect.objectContaining({ clientId: dashboard.OIDC_CLIENT_ID, clientSecret: dashboard.OIDC_CLIENT_SECRET, redirectUris: [dashboard.OIDC_REDIRECT_URL] }));
    expect(idp.LOCAL_IDP_USERS.map((user) => user.username).sort()).toEqual(['dpo', 'lead', 'operator', 'viewer']);
    // one network namespace: the dashboard reaches the issuer on 127.0.0.1 as the browser does through the published ports
    expect(serviceOf('ops-dashboard')!.service.network_mode).toBe(`service:${idpService.name}`);
    expect(idpService.service.ports).toEqual(expect.arrayContaining([`127.0.0.1:${idp.PORT}:${idp.PORT}`, `127.0.0.1:${dashboard.PORT}:${dashboard.PORT}`]));
  });

  it('gives every writer the credential the schema registry accepts', () => {
    const writers = loadSchemaRegistryConfig(serviceOf('schema-registry')!.env).BASIC_AUTH_USERS;
    for (const { name, env } of services.filter((service) => service.env.SCHEMA_REGISTRY_URL)) {
      const url = new URL(env.SCHEMA_REGISTRY_URL);
      expect({ service: name, accepted: writers[url.username] === url.password }).toEqual({ service: name, accepted: true });
    }
  });

  it('lets the dashboard and the federal cockpit read every instance with a key that may only read there', () => {
    const dashboard = JSON.parse(serviceOf('ops-dashboard')!.env.TOPOLOGY) as { instances: { app: string; instanceKey: string; baseUrl: string; apiKey: string }[] };
    const federal = loadFederalConfig(serviceOf('federal-register')!.env);
    expect(dashboard.instances.map((instance) => `${instance.app} ${instance.instanceKey}`).sort()).toEqual(topology.instances.map((instance) => `${instance.app} ${instance.instanceKey}`).sort());
    const readers = [
      ...dashboard.instances.map((instance) => ({ reader: 'ops-dashboard', baseUrl: instance.baseUrl, apiKey: instance.apiKey })),
      ...federal.COCKPIT_PEERS.map((peer) => ({ reader: 'cockpit', baseUrl: peer.baseUrl, apiKey: peer.apiKey })),
    ];
    expect(federal.COCKPIT_PEERS).toHaveLength(topology.instances.length - 1);
    for (const { reader, baseUrl, apiKey } of readers) {
      const target = services.find((service) => service.name === new URL(baseUrl).hostname)!;
      const config = loaders[target.app!](target.env) as { AGENCY_API_KEYS: Env; READ_ONLY_AGENCIES: string[] };
      const agency = Object.keys(config.AGENCY_API_KEYS).find((name) => config.AGENCY_API_KEYS[name] === apiKey);
      expect({ reader, target: target.name, readOnly: agency !== undefined && config.READ_ONLY_AGENCIES.includes(agency) }).toEqual({ reader, target: target.name, readOnly: true });
    }
  });
});

describe('deploy/k8s', () => {
  type Manifest = { kind: string; metadata: { name: string }; data?: Env; stringData?: Env; spec?: { template: { spec: { containers: Container[] } } } };
  type Container = { command: string[]; envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]; env?: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[] };
  const dir = join(root, 'deploy', 'k8s');
  const manifests = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
    .flatMap((file) => YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((document) => document.toJSON() as Manifest))
    .filter(Boolean);
  const kafkaUsers = new Set(YAML.parseAllDocuments(readFileSync(join(root, 'deploy', 'kafka', 'users.yaml'), 'utf8')).map((document) => (document.toJSON() as Manifest).metadata.name));
  const named = (kind: string, name: string) => manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  /** The environment Kubernetes gives the container: envFrom first, then env; a KafkaUser's Secret holds a generated password. */
  const environmentOf = (container: Container): Env => {
    const env: Env = {};
    for (const source of container.envFrom ?? []) {
      const manifest = source.configMapRef ? named('ConfigMap', source.configMapRef.name) : named('Secret', source.secretRef!.name);
      Object.assign(env, stringsOf(manifest?.data ?? manifest?.stringData));
    }
    for (const variable of container.env ?? []) {
      const reference = variable.valueFrom?.secretKeyRef;
      env[variable.name] = reference ? (kafkaUsers.has(reference.name) ? 'password-from-the-user-operator' : String(named('Secret', reference.name)?.stringData?.[reference.key])) : String(variable.value);
    }
    return env;
  };
  const deployments = manifests
    .filter((manifest) => manifest.kind === 'Deployment')
    .flatMap((manifest) => manifest.spec!.template.spec.containers.map((container) => ({ name: manifest.metadata.name, app: appOf(container.command)!, env: environmentOf(container), container })));

  it("gives every Deployment an environment its app's config loader accepts", () => {
    for (const { name, app, env } of deployments) expect({ deployment: name, problem: problemOf(() => loaders[app](env)) }).toEqual({ deployment: name, problem: undefined });
  });

  it('connects every service to the broker as its own KafkaUser, with the password the User Operator writes', () => {
    for (const { name, app, env, container } of deployments.filter((deployment) => deployment.app !== 'schema-registry')) {
      const principal = registerApps.has(app) ? brokerPrincipalOf(app, env.INSTANCE_KEY ?? 'DE') : app;
      const password = container.env?.find((variable) => variable.name === 'KAFKA_PASSWORD')?.valueFrom?.secretKeyRef;
      expect({ deployment: name, username: env.KAFKA_USERNAME, passwordSecret: password?.name, user: kafkaUsers.has(principal) }).toEqual({ deployment: name, username: principal, passwordSecret: principal, user: true });
    }
  });

  it('runs the router for every register instance of the topology, with the registry credential', () => {
    const router = deployments.find((deployment) => deployment.app === 'router')!;
    const { ROUTED_INSTANCES } = loadRouterConfig(router.env);
    expect(ROUTED_INSTANCES.map((instance) => `${APP_OF_LEVEL[instance.level]} ${instance.instanceKey}`).sort()).toEqual(topology.instances.map((instance) => `${instance.app} ${instance.instanceKey}`).sort());
    expect(new URL(router.env.SCHEMA_REGISTRY_URL).password).not.toBe('');
  });
});

/** A Kafka setting from its apache/kafka image variable: KAFKA_ dropped, `___` is `-`, `__` is `_`, `_` is `.`. */
function propertyOf(variable: string): string {
  return variable.slice('KAFKA_'.length).toLowerCase().replace(/___/g, '-').replace(/__/g, '\0').replace(/_/g, '.').replace(/\0/g, '_');
}

function problemOf(load: () => unknown): string | undefined {
  try {
    load();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { basicAuthUsersOf, newRegistryCredential, registryUrlWithCredential } from '@regsync/contracts/registry-protocol';
import { Admin, logLevel } from 'kafkajs';
import { BrokerAcl, brokerAclsOf, type RegisterProcess, SERVICE_PRINCIPALS, brokerPrincipalOf, registerProcessesOf } from '@regsync/contracts/broker-access';
import { createBrokerAcls, deleteBrokerAcls, kafkaClient } from '@regsync/messaging/broker';
import type { KafkaConnection } from '@regsync/service-runtime/service-config';
import { ROUTER_INSTANCE_KEY } from '@regsync/contracts/topics';
import { isServedMunicipality } from '@regsync/register-domain/authorities';
import { isFetchBadPort } from './fetch-bad-ports';
import { settingsInFiles } from './setting-files';
import type { ScrapeTarget } from './local-prometheus';

export interface TopologyInstance {
  app: 'federal-register' | 'state-register' | 'municipal-register';
  instanceKey: string;
  name: string;
  port: number;
  agencyApiKeys: Record<string, string>;
  /** Agencies that still see the address of a person with an information block (BLOCK_EXEMPT_AGENCIES). */
  blockExemptAgencies?: string[];
}

/**
 * A provider process: one municipal- or state-register process hosting several instances of the topology
 * (AUTHORITIES) on its port, with one broker principal, one outgoing and one delivery topic and one consumer group,
 * all named by `id`.
 */
export interface TopologyProvider {
  id: string;
  app: 'municipal-register' | 'state-register';
  port: number;
  /** The instance keys (of `instances`) it hosts; they are served on the provider's port, not their own. */
  authorities: string[];
}

export interface Topology {
  schemaRegistry: { port: number };
  opsDashboard: { port: number };
  /** Routes every instance's outgoing events to the delivery topics of their legal recipients. */
  router: { port: number };
  instances: TopologyInstance[];
  /** Processes hosting several instances; an instance no provider hosts runs as a process of its own. */
  providers?: TopologyProvider[];
}

/** What tools/infra/infra.mjs generated for the local brokers: the admin and every principal's SCRAM password. */
export interface BrokerCredentials {
  mechanism: 'scram-sha-512';
  admin: string;
  passwords: Record<string, string>;
}

export interface LocalStackOptions {
  kafkaBrokers: string;
  /**
   * The local broker's credentials: each service then connects as its own principal, and the stack creates the ACLs
   * of its namespace at start (and deletes them at stop). Without them every service inherits KAFKA_USERNAME/PASSWORD.
   */
  brokerCredentials?: BrokerCredentials;
  databaseUrl: string;
  /** Separates a test run's databases, topics and consumer groups from the demo's (and from other runs). */
  namespace?: string;
  /** Port offset so a test stack can run beside a running demo. */
  portOffset?: number;
  /** An external Confluent-compatible registry (with the writer's credentials as user info, if it needs them); without it the stack runs the project's own. */
  schemaRegistryUrl?: string;
  /** Where the compiled services are (relative to the workspace root); default `dist`. */
  distDir?: string;
  /** Only these register instances of the topology (default: all of them, and the ops dashboard with them). */
  instances?: (instance: TopologyInstance) => boolean;
  /**
   * Another topology than deploy/local/topology.json (e.g. with providers); the ops dashboard, which reads that file
   * itself, is then not started.
   */
  topology?: Topology;
  /**
   * Register instances the router also delivers to, though this stack does not run them (the fan-out bench: what
   * their delivery topics hold is what they would read).
   */
  alsoRouted?: Pick<TopologyInstance, 'app' | 'instanceKey'>[];
  onLine?: (processName: string, line: string) => void;
  /** How long a service may take to report healthy at start (default 90 s). */
  healthTimeoutMs?: number;
  /** A Prometheus that scrapes this stack (LocalPrometheus): the dashboard shows its alerts. */
  prometheusUrl?: string;
  /** A process answered its health check: `url` is where it listens. */
  onReady?: (processName: string, url: string) => void;
  /** DATABASE_POOL_SIZE of every service (default: theirs, 10): the server's max_connections is shared. */
  databasePoolSize?: number;
}

interface ManagedProcess {
  name: string;
  script: string;
  env: Record<string, string>;
  /** Its settings that name the topology's instances (in `env`, or in files under `processKey`), derived again when an authority is added. */
  topologySettings?: { processKey: string; of: (running: TopologyInstance[]) => Record<string, string>; applied?: Record<string, string> };
  healthUrl: string;
  /** The labels of its /metrics (service, instance), for a process Prometheus scrapes. */
  metrics?: Pick<ScrapeTarget, 'service' | 'instance'>;
  child?: ChildProcess;
  exited?: Promise<number | null>;
  /** The process's last lines, to say where a start that never became ready got stuck. */
  recentLines?: string[];
}

const RECENT_LINES = 15;

/** The local OIDC provider (apps/local-idp) the ops dashboard logs people in with; shifted by the port offset. */
export const LOCAL_IDP_PORT = 3090;

/** A person who may log in to the dashboard of a local stack; the password is new for each stack. */
export interface LocalDashboardUser {
  username: string;
  password: string;
  name: string;
  roles: string[];
}

/** viewer: no personal data; dpo (data-protection officer): decoded personal data; operator: re-drives; lead: all three. */
const LOCAL_DASHBOARD_USERS: Omit<LocalDashboardUser, 'password'>[] = [
  { username: 'viewer', name: 'Vera Viewer', roles: ['viewer'] },
  { username: 'dpo', name: 'Dana Datenschutz', roles: ['viewer', 'data-viewer'] },
  { username: 'operator', name: 'Otto Operator', roles: ['viewer', 'operator'] },
  { username: 'lead', name: 'Lena Lead', roles: ['viewer', 'data-viewer', 'operator'] },
];

const LEVEL_OF_APP: Record<TopologyInstance['app'], string> = { 'federal-register': 'FEDERAL', 'state-register': 'STATE', 'municipal-register': 'MUNICIPAL' };

/** The agency name under which the federal cockpit reads the other instances' transfer logs. */
export const COCKPIT_AGENCY = 'regsync-cockpit';

export function workspaceRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('workspace root (the folder with nx.json) not found');
    dir = parent;
  }
  return dir;
}

/**
 * The credentials tools/infra/infra.mjs generated into .cache/kafka/credentials.json, when `admin` connects with this
 * checkout's admin password (so they belong to the broker it reaches); otherwise undefined.
 */
export function localBrokerCredentials(admin: KafkaConnection): BrokerCredentials | undefined {
  const file = join(workspaceRoot(), '.cache', 'kafka', 'credentials.json');
  if (!existsSync(file)) return undefined;
  const credentials = JSON.parse(readFileSync(file, 'utf8')) as BrokerCredentials;
  return admin.sasl?.username === credentials.admin && admin.sasl.password === credentials.passwords[credentials.admin] ? credentials : undefined;
}

/**
 * The SUBJECT_KEY_SECRET of a local register instance (or of the router), generated on first use into
 * .cache/regsync/subject-key-secrets.json (mode 600) and kept, so subject keys stored wrapped in a kept database still
 * open after a restart. Never in the repository.
 */
export function localSubjectKeySecret(instance: { app: TopologyInstance['app'] | 'router'; instanceKey: string }): string {
  const file = join(workspaceRoot(), '.cache', 'regsync', 'subject-key-secrets.json');
  const name = brokerPrincipalOf(instance.app, instance.instanceKey);
  const secrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  if (!secrets[name]) {
    secrets[name] = randomBytes(32).toString('base64');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return secrets[name];
}

export function loadTopology(): Topology {
  return JSON.parse(readFileSync(join(workspaceRoot(), 'deploy', 'local', 'topology.json'), 'utf8')) as Topology;
}

/** Municipalities of the topology beyond the table of served ones (the scale run's): their addresses are accepted too. */
function servedMunicipalitiesOf(instances: TopologyInstance[]): Record<string, string> {
  const deployed = instances.filter((instance) => instance.app === 'municipal-register' && !isServedMunicipality(instance.instanceKey)).map((instance) => instance.instanceKey);
  return deployed.length > 0 ? { SERVED_MUNICIPALITIES: deployed.join(',') } : {};
}

/** The running municipal instances of one Land: the only property-tax rolls its cadastre may record parcels for. */
function municipalitiesOf(instances: TopologyInstance[], land: string): string[] {
  return instances.filter((instance) => instance.app === 'municipal-register' && instance.instanceKey.startsWith(land)).map((instance) => instance.instanceKey);
}

export function processName(instance: Pick<TopologyInstance, 'app' | 'instanceKey'>): string {
  return `${instance.app.replace('-register', '')} ${instance.instanceKey}`;
}

/**
 * A port offset `base + step * k` (k random below `slots`) that puts no service of the topology on a port fetch
 * refuses, so test stacks beside each other (or beside the demo) can each pick one.
 */
export function randomPortOffset(base: number, slots: number, step = 10): number {
  const topology = loadTopology();
  const usable = Array.from({ length: slots }, (_, k) => base + step * k).filter((offset) => !portsOf(topology, offset).some(isFetchBadPort));
  if (usable.length === 0) throw new Error(`no port offset from ${base} in ${slots} steps of ${step} avoids fetch's bad ports`);
  return usable[randomInt(0, usable.length)];
}

/**
 * The first offset of `candidates` at which every port of `topology` is free on 127.0.0.1 now and one fetch connects
 * to: for a run that starts beside stacks of unknown offsets (other test stacks, the demo).
 */
export async function freePortOffset(topology: Topology, candidates: readonly number[]): Promise<number> {
  for (const offset of candidates) {
    // Hosted instances share their provider's port: each port once.
    const ports = [...new Set(portsOf(topology, offset))];
    if (ports.some(isFetchBadPort)) continue;
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) return offset;
  }
  throw new Error(`no port offset of ${candidates.join(', ')} has every port of the topology free`);
}

function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function portsOf(topology: Topology, offset: number): number[] {
  return [topology.schemaRegistry.port, topology.opsDashboard.port, topology.router.port, LOCAL_IDP_PORT, ...topology.instances.map((instance) => instance.port), ...(topology.providers ?? []).map((provider) => provider.port)].map(
    (port) => port + offset,
  );
}

/**
 * Runs the schema registry and every register instance of the local topology as separate Node processes
 * (from dist/, built by `npm run build`), waits until each reports healthy, and stops them cleanly.
 */
export class LocalStack {
  readonly topology: Topology;
  /** Each provider, and each instance no provider hosts, as the process that serves it. */
  readonly processes: RegisterProcess<TopologyInstance>[];
  /** The registry with the writer credential every service gets (for the project's own registry: made new for each stack). */
  readonly schemaRegistryUrl: string;
  /** The read-only key (agency COCKPIT_AGENCY) every non-federal instance accepts, new for each stack. */
  readonly cockpitKey = `cockpit-${randomBytes(12).toString('hex')}`;
  /** Who may log in to this stack's dashboard (through the local IdP), with passwords made for this stack. */
  readonly dashboardUsers: LocalDashboardUser[] = LOCAL_DASHBOARD_USERS.map((user) => ({ ...user, password: randomBytes(12).toString('base64url') }));
  private readonly managed: ManagedProcess[] = [];
  private readonly providerByInstance: Map<string, TopologyProvider>;
  /** The instance keys some provider hosts. */
  private readonly providerHosted: Set<string>;
  /** Where settings too long for one environment string go (X_FILE), mode 700; removed at stop. */
  private readonly settingsDir = mkdtempSync(join(tmpdir(), 'regsync-stack-settings-'));

  constructor(private readonly options: LocalStackOptions) {
    this.topology = options.topology ?? loadTopology();
    this.processes = registerProcessesOf(this.topology);
    this.providerByInstance = new Map((this.topology.providers ?? []).flatMap((provider) => provider.authorities.map((key) => [`${provider.app}.${key}`, provider] as const)));
    this.providerHosted = new Set((this.topology.providers ?? []).flatMap((provider) => provider.authorities));
    const offset = options.portOffset ?? 0;
    const refused = portsOf(this.topology, offset).filter(isFetchBadPort);
    if (refused.length > 0) throw new Error(`port offset ${offset} puts a service on ${refused.join(', ')}, which fetch clients refuse to connect to (the Fetch standard's bad ports): choose another offset`);
    const ownRegistryAddress = `http://127.0.0.1:${this.topology.schemaRegistry.port + offset}`;
    const registryWriter = newRegistryCredential();
    this.schemaRegistryUrl = options.schemaRegistryUrl ?? registryUrlWithCredential(ownRegistryAddress, registryWriter);
    const shared = {
      KAFKA_BROKERS: options.kafkaBrokers,
      DATABASE_URL: options.databaseUrl,
      SCHEMA_REGISTRY_URL: this.schemaRegistryUrl,
      NAMESPACE: options.namespace ?? '',
      ...(options.databasePoolSize ? { DATABASE_POOL_SIZE: String(options.databasePoolSize) } : {}),
    };
    if (!options.schemaRegistryUrl) {
      this.managed.push({
        name: 'schema-registry',
        script: 'apps/schema-registry/src/main.js',
        env: { ...shared, PORT: String(this.topology.schemaRegistry.port + offset), BASIC_AUTH_USERS: basicAuthUsersOf(registryWriter) },
        healthUrl: `${ownRegistryAddress}/subjects`,
      });
    }
    // The federal cockpit reads every other instance's transfer log with a key that may only read there.
    const cockpitKey = this.cockpitKey;
    const instances = this.runningInstances();
    // First, so it creates the namespace's outgoing and delivery topics before the instances start.
    this.managed.push({
      name: 'router',
      script: 'apps/router/src/main.js',
      env: {
        ...shared,
        ...this.principalEnvironment(SERVICE_PRINCIPALS.router),
        PORT: String(this.topology.router.port + offset),
        // wraps its delivery keys: the router seals each delivery with the recipient's key
        SUBJECT_KEY_SECRET: localSubjectKeySecret({ app: 'router', instanceKey: ROUTER_INSTANCE_KEY }),
      },
      topologySettings: { processKey: 'router', of: (running) => ({ ROUTED_INSTANCES: this.routedInstances(running).join(',') }) },
      healthUrl: `http://127.0.0.1:${this.topology.router.port + offset}/health`,
      metrics: { service: 'router', instance: ROUTER_INSTANCE_KEY },
    });
    const peers = instances.filter((instance) => instance.app !== 'federal-register');
    const cockpitPeers = peers.map((instance) => ({ name: processName(instance), baseUrl: this.baseUrlOf(instance.app, instance.instanceKey), apiKey: this.cockpitKeyOf(instance.instanceKey) }));
    for (const provider of this.topology.providers ?? []) {
      if (!instances.some((instance) => instance.app === provider.app && provider.authorities.includes(instance.instanceKey))) continue;
      const port = provider.port + offset;
      this.managed.push({
        name: processName({ app: provider.app, instanceKey: provider.id }),
        script: `apps/${provider.app}/src/main.js`,
        env: {
          ...shared,
          ...this.principalEnvironment(brokerPrincipalOf(provider.app, provider.id)),
          PORT: String(port),
          INSTANCE_KEY: provider.id,
          SUBJECT_KEY_SECRET: localSubjectKeySecret({ app: provider.app, instanceKey: provider.id }),
          AGENCY_API_KEYS: `operators-${provider.id}:${randomBytes(12).toString('hex')}`,
        },
        topologySettings: {
          processKey: provider.id,
          of: (running) => {
            const hosted = running.filter((instance) => instance.app === provider.app && provider.authorities.includes(instance.instanceKey));
            // API keys are unique across a provider's authorities, so each gets a cockpit key of its own.
            const authorities = hosted.map((instance) => ({
              key: instance.instanceKey,
              agencies: { ...instance.agencyApiKeys, [COCKPIT_AGENCY]: this.cockpitKeyOf(instance.instanceKey) },
              readOnlyAgencies: [COCKPIT_AGENCY],
              blockExemptAgencies: instance.blockExemptAgencies ?? [],
            }));
            return {
              AUTHORITIES: JSON.stringify(authorities),
              ...servedMunicipalitiesOf(running),
              ...(provider.app === 'state-register' ? { PROPERTY_TAX_ROLLS: hosted.flatMap((land) => municipalitiesOf(running, land.instanceKey)).join(',') } : {}),
            };
          },
        },
        healthUrl: `http://127.0.0.1:${port}/health`,
        metrics: { service: provider.app, instance: provider.id },
      });
    }
    for (const instance of instances.filter((candidate) => !this.providerOf(candidate.app, candidate.instanceKey))) {
      const port = instance.port + offset;
      const isFederal = instance.app === 'federal-register';
      const agencyApiKeys = isFederal ? instance.agencyApiKeys : { ...instance.agencyApiKeys, [COCKPIT_AGENCY]: cockpitKey };
      this.managed.push({
        name: processName(instance),
        script: `apps/${instance.app}/src/main.js`,
        env: {
          ...shared,
          ...this.principalEnvironment(brokerPrincipalOf(instance.app, instance.instanceKey)),
          PORT: String(port),
          INSTANCE_KEY: instance.instanceKey,
          SUBJECT_KEY_SECRET: localSubjectKeySecret(instance),
          AGENCY_API_KEYS: Object.entries(agencyApiKeys).map(([agency, key]) => `${agency}:${key}`).join(','),
          ...(isFederal ? this.inFiles(instance.instanceKey, { COCKPIT_PEERS: JSON.stringify(cockpitPeers) }) : { READ_ONLY_AGENCIES: COCKPIT_AGENCY }),
          BLOCK_EXEMPT_AGENCIES: (instance.blockExemptAgencies ?? []).join(','),
        },
        topologySettings: {
          processKey: instance.instanceKey,
          of: (running) =>
            isFederal ? {} : { ...servedMunicipalitiesOf(running), ...(instance.app === 'state-register' ? { PROPERTY_TAX_ROLLS: municipalitiesOf(running, instance.instanceKey).join(',') } : {}) },
        },
        healthUrl: `http://127.0.0.1:${port}/health`,
        metrics: { service: instance.app, instance: instance.instanceKey },
      });
    }
    for (const managed of this.managed) this.applyTopologySettings(managed, instances);
    // ops dashboard (issue #7): watches every instance of the topology file, with the same port offset
    if (options.instances || options.topology) return;
    // people log in to the dashboard through the local IdP, with a client secret made for this stack
    const dashboardClient = { clientId: 'regsync-ops-dashboard', clientSecret: randomBytes(32).toString('base64url'), redirectUris: [`${this.dashboardUrl}/auth/callback`], postLogoutRedirectUris: [`${this.dashboardUrl}/`] };
    this.managed.push({
      name: 'local-idp',
      script: 'apps/local-idp/src/main.js',
      env: { PORT: String(LOCAL_IDP_PORT + offset), LOCAL_IDP_USERS: JSON.stringify(this.dashboardUsers), LOCAL_IDP_CLIENTS: JSON.stringify([dashboardClient]) },
      healthUrl: `${this.idpUrl}/.well-known/openid-configuration`,
    });
    this.managed.push({
      name: 'ops-dashboard',
      script: 'apps/ops-dashboard/src/main.js',
      env: {
        ...shared,
        ...this.principalEnvironment(SERVICE_PRINCIPALS.opsDashboard),
        PORT: String(this.topology.opsDashboard.port + offset),
        TOPOLOGY_PORT_OFFSET: String(offset),
        OIDC_ISSUER_URL: this.idpUrl,
        OIDC_CLIENT_ID: dashboardClient.clientId,
        OIDC_CLIENT_SECRET: dashboardClient.clientSecret,
        OIDC_REDIRECT_URL: dashboardClient.redirectUris[0],
        ...(options.prometheusUrl ? { PROMETHEUS_URL: options.prometheusUrl } : {}),
      },
      healthUrl: `${this.dashboardUrl}/health`,
      metrics: { service: 'ops-dashboard', instance: 'ops' },
    });
  }

  /** Every process with a /metrics endpoint (the router, the register instances, the dashboard), for Prometheus. */
  get scrapeTargets(): ScrapeTarget[] {
    return this.managed.filter((managed) => managed.metrics).map((managed) => ({ baseUrl: new URL(managed.healthUrl).origin, ...managed.metrics! }));
  }

  /** The operating-system process of each running service, by name (a benchmark reads their CPU time). */
  get runningProcesses(): { name: string; pid: number }[] {
    return this.managed.flatMap((managed) => (managed.child?.pid !== undefined && managed.child.exitCode === null ? [{ name: managed.name, pid: managed.child.pid }] : []));
  }

  /** How many processes start() starts. */
  get processCount(): number {
    return this.managed.length;
  }

  /** The ops dashboard's page (and its JSON API under /api). */
  get dashboardUrl(): string {
    return `http://127.0.0.1:${this.topology.opsDashboard.port + (this.options.portOffset ?? 0)}`;
  }

  /** The local OIDC provider's issuer URL. */
  get idpUrl(): string {
    return `http://127.0.0.1:${LOCAL_IDP_PORT + (this.options.portOffset ?? 0)}`;
  }

  baseUrl(instance: Pick<TopologyInstance, 'port'>): string {
    return `http://127.0.0.1:${instance.port + (this.options.portOffset ?? 0)}`;
  }

  /** Where an instance is served: its own process's port, or its provider's. */
  baseUrlOf(app: TopologyInstance['app'], instanceKey: string): string {
    return this.baseUrl(this.providerOf(app, instanceKey) ?? this.instance(app, instanceKey));
  }

  /** The provider that hosts an instance, or undefined for an instance that is a process of its own. */
  providerOf(app: string, instanceKey: string): TopologyProvider | undefined {
    return this.providerByInstance.get(`${app}.${instanceKey}`);
  }

  /** The provider id of an instance: its topics, consumer group, database and principal are named by it. */
  processKeyOf(app: string, instanceKey: string): string {
    return this.providerOf(app, instanceKey)?.id ?? instanceKey;
  }

  /** The read-only key of the cockpit agency at an instance (one per authority of a provider: API keys are unique there). */
  cockpitKeyOf(instanceKey: string): string {
    return this.providerHosted.has(instanceKey) ? `${this.cockpitKey}-${instanceKey}` : this.cockpitKey;
  }

  instance(app: TopologyInstance['app'], instanceKey: string): TopologyInstance {
    const found = this.topology.instances.find((candidate) => candidate.app === app && candidate.instanceKey === instanceKey);
    if (!found) throw new Error(`no ${app} ${instanceKey} in the topology`);
    return found;
  }

  /** Starts the registry first (services register their schemas at start-up), then the router, then all register instances. */
  async start(): Promise<void> {
    await this.changeBrokerAcls(createBrokerAcls);
    const [registry, ...services] = this.options.schemaRegistryUrl ? [undefined, ...this.managed] : this.managed;
    if (registry) {
      this.spawn(registry);
      await this.waitHealthy(registry);
    }
    // The first service (the router) creates the topics of a new namespace; starting the others together with it
    // makes their topic creation race (the broker answers "does not host this topic-partition" for a moment).
    const [first, ...rest] = services;
    if (first) {
      this.spawn(first);
      await this.waitHealthy(first);
    }
    rest.forEach((service) => service && this.spawn(service));
    await Promise.all(rest.map((service) => service && this.waitHealthy(service)));
  }

  /**
   * Adds `instance` to the authorities provider `providerId` hosts, as an operator does it: every setting that names the
   * topology's instances is derived again (the provider's AUTHORITIES, the router's ROUTED_INSTANCES, the registers'
   * SERVED_MUNICIPALITIES, the Länder's PROPERTY_TAX_ROLLS), and each process whose settings changed restarts with them,
   * the router first. Answers the restarted processes' names.
   */
  async addAuthority(providerId: string, instance: TopologyInstance): Promise<string[]> {
    const provider = this.topology.providers?.find((candidate) => candidate.id === providerId && candidate.app === instance.app);
    if (!provider) throw new Error(`no ${instance.app} provider ${providerId} in the topology`);
    if (this.providerOf(instance.app, instance.instanceKey)) throw new Error(`${instance.app} ${instance.instanceKey} is hosted already`);
    this.topology.instances.push(instance);
    provider.authorities.push(instance.instanceKey);
    this.providerByInstance.set(`${instance.app}.${instance.instanceKey}`, provider);
    this.providerHosted.add(instance.instanceKey);
    const running = this.runningInstances();
    const restarted = this.managed.filter((managed) => this.applyTopologySettings(managed, running));
    const [router, others] = [restarted.filter((managed) => managed.name === 'router'), restarted.filter((managed) => managed.name !== 'router')];
    for (const managed of router) await this.restart(managed.name);
    await Promise.all(others.map((managed) => this.restart(managed.name)));
    return restarted.map((managed) => managed.name);
  }

  /** Kills one process (fault tests) with the given signal and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const managed = this.find(name);
    managed.child?.kill(signal);
    await managed.exited;
  }

  async restart(name: string): Promise<void> {
    const managed = this.find(name);
    if (managed.child && managed.child.exitCode === null) await this.kill(name, 'SIGTERM');
    this.spawn(managed);
    await this.waitHealthy(managed);
  }

  /** Starts a second process of an instance (same database, topics and consumer group) on `port`; stop() stops it too. */
  async startReplica(name: string, port: number): Promise<string> {
    if (isFetchBadPort(port)) throw new Error(`port ${port} is one fetch clients refuse to connect to (the Fetch standard's bad ports): choose another`);
    const original = this.find(name);
    const replica: ManagedProcess = { name: `${name} replica`, script: original.script, env: { ...original.env, PORT: String(port) }, healthUrl: `http://127.0.0.1:${port}/health` };
    this.managed.push(replica);
    this.spawn(replica);
    await this.waitHealthy(replica);
    return `http://127.0.0.1:${port}`;
  }

  /** SIGTERM to the services (they drain and close), then to the registry; SIGKILL after 20 s. */
  async stop(): Promise<void> {
    const [first, ...rest] = this.managed;
    const services = this.options.schemaRegistryUrl ? this.managed : rest;
    await Promise.all(services.map((managed) => this.terminate(managed)));
    if (!this.options.schemaRegistryUrl && first) await this.terminate(first);
    await this.changeBrokerAcls(deleteBrokerAcls);
    rmSync(this.settingsDir, { recursive: true, force: true });
  }

  /** Derives a process's topology settings from `running` into its environment; answers whether they changed. */
  private applyTopologySettings(managed: ManagedProcess, running: TopologyInstance[]): boolean {
    const settings = managed.topologySettings;
    if (!settings) return false;
    const next = settings.of(running);
    const previous = settings.applied ?? {};
    if (Object.keys(next).length === Object.keys(previous).length && Object.entries(next).every(([name, value]) => previous[name] === value)) return false;
    for (const name of Object.keys(previous)) {
      delete managed.env[name];
      delete managed.env[`${name}_FILE`];
    }
    Object.assign(managed.env, this.inFiles(settings.processKey, next));
    settings.applied = next;
    return true;
  }

  /** The register instances this stack runs, and the names the router delivers to (with their provider). */
  private runningInstances(): TopologyInstance[] {
    return this.topology.instances.filter(this.options.instances ?? (() => true));
  }

  private routedInstances(running: TopologyInstance[]): string[] {
    return [...running, ...(this.options.alsoRouted ?? [])].map((instance) => {
      const provider = this.providerOf(instance.app, instance.instanceKey);
      return `${LEVEL_OF_APP[instance.app]}:${instance.instanceKey}${provider ? `@${provider.id}` : ''}`;
    });
  }

  /** Settings of one process, each too long for an environment string written to a file of its own (X_FILE). */
  private inFiles(processKey: string, settings: Record<string, string>): Record<string, string> {
    return settingsInFiles(settings, join(this.settingsDir, processKey));
  }

  private principalEnvironment(principal: string): Record<string, string> {
    const credentials = this.options.brokerCredentials;
    if (!credentials) return {};
    const password = credentials.passwords[principal];
    if (!password) throw new Error(`no broker credentials for ${principal} in .cache/kafka/credentials.json: delete .cache/kafka (and its clusters) and start again`);
    return { KAFKA_SASL_MECHANISM: credentials.mechanism, KAFKA_USERNAME: principal, KAFKA_PASSWORD: password };
  }

  /** The ACLs of this stack's namespace, changed as the admin; ACLs are per namespace, since topic names start with it. */
  private async changeBrokerAcls(change: (admin: Admin, acls: readonly BrokerAcl[]) => Promise<void>): Promise<void> {
    const credentials = this.options.brokerCredentials;
    if (!credentials) return;
    const connection: KafkaConnection = {
      brokers: this.options.kafkaBrokers.split(','),
      sasl: { mechanism: credentials.mechanism, username: credentials.admin, password: credentials.passwords[credentials.admin] },
    };
    const admin = kafkaClient(connection, { clientId: 'regsync-local-stack', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await change(admin, brokerAclsOf(this.processes, this.options.namespace ?? ''));
    } finally {
      await admin.disconnect();
    }
  }

  private find(name: string): ManagedProcess {
    const managed = this.managed.find((candidate) => candidate.name === name);
    if (!managed) throw new Error(`no process named ${name}`);
    return managed;
  }

  private spawn(managed: ManagedProcess): void {
    const child = spawn(process.execPath, [join(workspaceRoot(), this.options.distDir ?? 'dist', managed.script)], {
      env: { ...process.env, ...managed.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    managed.child = child;
    managed.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const onLine = this.options.onLine ?? (() => undefined);
    const recentLines: string[] = (managed.recentLines = []);
    const record = (line: string) => {
      recentLines.push(line);
      if (recentLines.length > RECENT_LINES) recentLines.shift();
      onLine(managed.name, line);
    };
    createInterface({ input: child.stdout! }).on('line', record);
    createInterface({ input: child.stderr! }).on('line', record);
  }

  private async terminate(managed: ManagedProcess): Promise<void> {
    const child = managed.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await managed.exited;
    clearTimeout(killer);
  }

  private async waitHealthy(managed: ManagedProcess, timeoutMs = this.options.healthTimeoutMs ?? 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastProblem = 'no answer';
    while (Date.now() < deadline) {
      // A child killed by a signal (SIGKILL of the OOM killer or of someone else) has no exit code, only a signal.
      const ended = managed.child && (managed.child.exitCode ?? managed.child.signalCode);
      if (ended !== null) throw new Error(`${managed.name} ended (${ended ?? 'never started'}) during start-up; its last lines:\n${(managed.recentLines ?? []).join('\n')}`);
      try {
        const response = await fetch(managed.healthUrl);
        if (response.ok) {
          this.options.onReady?.(managed.name, new URL(managed.healthUrl).origin);
          return;
        }
        lastProblem = `${response.status} ${await response.text()}`;
      } catch (error) {
        lastProblem = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${managed.name} not healthy after ${timeoutMs / 1000}s: ${lastProblem}; its last lines:\n${(managed.recentLines ?? []).join('\n')}`);
  }
}

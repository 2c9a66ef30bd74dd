import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Admin, Kafka, logLevel, Message } from 'kafkajs';
import { queryDatabase, withAdmin } from './world-io';
import { BrokerAcl, brokerAclsOf, SERVICE_PRINCIPALS, brokerPrincipalOf } from '@regsync/contracts/broker-access';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { BrokerCredentials, localBrokerCredentials } from '@regsync/local-stack/local-stack';
import { isFetchBadPort } from '@regsync/local-stack/fetch-bad-ports';
import { createBrokerAcls, deleteBrokerAcls, kafkaClient } from '@regsync/messaging/broker';
import { databaseUrl, instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { readBoundedLog, resolveLogRange } from '@regsync/event-replay/replay';
import { benchDatabaseName } from '../throughput/bench-database-name';
import { BENCH_ROLES } from '../throughput/regsync-bench.module';
import { expectedRegisterState } from './expected-register-state';
import { checkByIdentity } from './identity-check';
import { FaultChildSpec } from './fault-child-spec';
import { PARTITIONED_USER, partitionFrom } from './network-partition';
import { KafkaConnection, kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';

export interface FaultRunOptions {
  events: number;
  rate: number;
  transactionSize: number;
  kafka: KafkaConnection;
  databaseUrl: string;
  schemaRegistryUrl: string;
  /** The service that runs as a user of its own, so a scenario can cut its network (network-partition.ts). */
  partitionable?: Role;
  /** A second register process in the same consumer group (deploy/k8s runs two replicas per register). */
  registerReplica?: boolean;
  /** Services whose wall clock is off by a libfaketime offset, e.g. `{ writer: '+2h' }` (monotonic time stays true). */
  clockSkew?: Partial<Record<Role, string>>;
}

export interface FaultOutcome {
  /** Valid moves written plus everything injected (poison, non-authoritative, duplicate copies). */
  sent: number;
  applied: number;
  /** Injected bad messages found on a dead-letter topic (read_committed), each counted once by its injection id. */
  deadLettered: number;
  /** Events still held at a gap when the run settled (waiting for a version that never came: lost unless released). */
  held: number;
  /** Events the writer committed that the register never applied, plus bad messages not found on a dead-letter topic (by identity). */
  lost: number;
  /** Events applied more than once, plus dead letters written more than once for one bad message (by identity). */
  duplicated: number;
  /** Events applied that the writer never sent (a forged or corrupted event took effect). */
  notSent: number;
  /** Events applied after a later version of their subject. */
  reordered: number;
  /** Subjects whose final row differs from the expected one (content or number of moves). */
  wrongState: number;
  /** From the end of the scenario's last fault to the register holding everything sent (0: it never fell behind). */
  recoverySeconds: number;
  seconds: number;
  /** Only when something was lost: where each valid event without effect stopped on its way. */
  lossTrail?: LossTrail;
}


/** Counts of the valid events that have no effect in the register, by the last place they were seen on their way. */
export interface LossTrail {
  /** Still in the writer's outbox, not published. */
  unpublished: number;
  /** Marked published, but not readable (read_committed) on the writer's outgoing topic: the writer's relay lost them. */
  publishedNotOnTopic: number;
  /** On the outgoing topic, but absent from the router's inbox: the router skipped them. */
  notRouted: number;
  /** In the router's inbox with an outcome other than applied, by outcome. */
  notRoutedAs: Record<string, number>;
  /** Routed, but the router's delivery to the register is still in the router's outbox. */
  deliveryUnpublished: number;
  /** Marked published by the router, but not readable on the delivery topic: the router's relay lost them. */
  deliveryNotOnTopic: number;
  /** On the delivery topic, but absent from the register's inbox: the register skipped them. */
  deliveredNotInInbox: number;
  /** In the register's inbox with an outcome other than applied, by outcome (e.g. stale: an older version arrived late). */
  inInboxNotApplied: Record<string, number>;
}

export type Role = 'writer' | 'router' | 'register';
/** A running service process: one per role, and the register's second replica. */
export type ServiceProcess = Role | 'register-replica';
const roleOf = (process: ServiceProcess): Role => (process === 'register-replica' ? 'register' : process);
type Database = 'writer' | 'router' | 'register';

const APPLIED = new Set(['applied', 'gap_applied']);
/** Stamped on every injected bad message; its dead letter carries it on. */
const INJECTION_ID_HEADER = 'x-faults-injection-id';
const ROUTER_MAIN = join(__dirname, '..', '..', 'apps', 'router', 'src', 'main.js');
/** Debian's faketime package (tools/ensure-debian-tools.mjs installs it). */
const FAKETIME_LIBRARY = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/**
 * One fault scenario's world on the routed layout, with authentication on: a writer service (a municipality's outbox
 * and relay, writing its outgoing topic), the real router (apps/router: outgoing topics in, delivery topics out) and a
 * register service (a Land's mirror reading its delivery topic through the inbox), each a child process with its own
 * broker principal under the ACLs of `brokerAclsOf`, in their own namespace; the means to kill, restart and inject,
 * and the final exact check of the register.
 */
export class FaultRun {
  readonly namespace = `faults_${randomBytes(3).toString('hex')}`;
  /** What the writer sends: Dresden's outgoing topic, read only by the router. */
  readonly outgoingTopic = outgoingTopicOf(BENCH_ROLES.producer.app, BENCH_ROLES.producer.instanceKey, this.namespace);
  /** Sachsen's own outgoing topic: the router reads it too, so a Land's event about an address is judged there. */
  readonly registerOutgoingTopic = outgoingTopicOf(BENCH_ROLES.consumer.app, BENCH_ROLES.consumer.instanceKey, this.namespace);
  /** What the router delivers to the register: Sachsen's delivery topic. */
  readonly deliveryTopic = deliveryTopicOf(BENCH_ROLES.consumer.app, BENCH_ROLES.consumer.instanceKey, this.namespace);
  readonly routerGroup = consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, this.namespace);
  readonly consumerGroup = consumerGroupOf(BENCH_ROLES.consumer.app, BENCH_ROLES.consumer.instanceKey, this.namespace);
  /** The broker principal of each service (and of whoever writes a topic by hand: its owner). */
  readonly principals: Record<Role, string> = {
    writer: brokerPrincipalOf(BENCH_ROLES.producer.app, BENCH_ROLES.producer.instanceKey),
    router: SERVICE_PRINCIPALS.router,
    register: brokerPrincipalOf(BENCH_ROLES.consumer.app, BENCH_ROLES.consumer.instanceKey),
  };
  /** The admin's client: ACLs, offsets, reading topics for the checks. */
  readonly kafka: Kafka;
  private readonly credentials: BrokerCredentials;
  private readonly acls: BrokerAcl[];
  private readonly children = new Map<ServiceProcess, ChildProcess>();
  private readonly killedOnPurpose = new WeakSet<ChildProcess>();
  private routerPort = 0;
  private stopping = false;
  /** Services that died by themselves (e.g. when PostgreSQL went away) and were started again, as a supervisor would. */
  crashRestarts = 0;
  private readonly started = Date.now();
  private injected = 0;
  /** The injection ids of the messages that must end on a dead-letter topic (the router's or the register's). */
  private readonly expectedDeadLetters = new Set<string>();
  private faultEndedAt?: number;
  private caughtUpAt?: number;

  constructor(readonly options: FaultRunOptions) {
    this.kafka = kafkaClient(options.kafka, { clientId: `${this.namespace}-faults`, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    const credentials = localBrokerCredentials(options.kafka);
    if (!credentials) throw new Error('fault run: every service connects as its own principal, so the run needs the local brokers (their credentials in .cache/kafka/credentials.json) and their admin connection');
    this.credentials = credentials;
    this.acls = brokerAclsOf([BENCH_ROLES.producer, BENCH_ROLES.consumer], this.namespace);
  }

  /** Writing time of the valid moves at the configured rate: the window in which faults are meant to land. */
  get writeWindowMs(): number {
    return (this.options.events / this.options.rate) * 1000;
  }

  /** The ACLs of the namespace first; the router then creates the topics it reads and writes, before the others start. */
  async start(): Promise<void> {
    await withAdmin(this.kafka, (admin) => createBrokerAcls(admin, this.acls));
    this.routerPort = await freePort();
    await this.spawn('router');
    await this.spawn('register');
    if (this.options.registerReplica) await this.spawn('register-replica');
    await this.spawn('writer', false);
  }

  /** The connection of one principal: the run's brokers, that principal's SCRAM credentials. */
  connectionOf(principal: string): KafkaConnection {
    const password = this.credentials.passwords[principal];
    if (!password) throw new Error(`fault run: no broker credentials for ${principal} in .cache/kafka/credentials.json`);
    return { brokers: this.options.kafka.brokers, sasl: { mechanism: this.credentials.mechanism, username: principal, password } };
  }

  /**
   * Starts a service; with `waitReady`, until it reports ready, trying again when it dies while starting (a freshly
   * started or just restarted cluster can refuse the first metadata requests).
   */
  async spawn(service: ServiceProcess, waitReady = true, attempts = 4): Promise<void> {
    const role = roleOf(service);
    const child = role === 'router' ? this.forkRouter() : this.forkChild(role);
    this.children.set(service, child);
    let starting = waitReady;
    child.once('exit', () => {
      if (starting || this.stopping || this.killedOnPurpose.has(child)) return;
      this.crashRestarts++;
      setTimeout(() => void this.spawn(service, false), 1_000);
    });
    if (!waitReady) return;
    const ready = await (role === 'router' ? this.routerReady(child) : reportsReady(child));
    starting = false;
    if (ready) return;
    if (attempts <= 1) throw new Error(`${service} exited ${child.exitCode ?? child.signalCode} while starting, giving up`);
    this.crashRestarts++;
    if (child.exitCode === null && child.signalCode === null) await this.kill(service);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await this.spawn(service, true, attempts - 1);
  }

  private forkChild(role: 'writer' | 'register'): ChildProcess {
    const spec: FaultChildSpec = { role, namespace: this.namespace, kafka: this.connectionOf(this.principals[role]), databaseUrl: this.options.databaseUrl, schemaRegistryUrl: this.options.schemaRegistryUrl, count: this.options.events, transactionSize: this.options.transactionSize, rate: this.options.rate };
    return fork(join(__dirname, 'fault-child.main.js'), [JSON.stringify(spec)], { env: { ...process.env, ...this.clockOf(role) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], ...this.userOf(role) });
  }

  /** The real router, configured as a deployment configures it, routing the writer's and the register's instances. */
  private forkRouter(): ChildProcess {
    const env = {
      ...process.env,
      ...kafkaEnvironmentOf(this.connectionOf(this.principals.router)),
      PORT: String(this.routerPort),
      INSTANCE_KEY: ROUTER_INSTANCE_KEY,
      DATABASE_URL: this.options.databaseUrl,
      SCHEMA_REGISTRY_URL: this.options.schemaRegistryUrl,
      NAMESPACE: this.namespace,
      ROUTED_INSTANCES: [BENCH_ROLES.producer, BENCH_ROLES.consumer].map((instance) => `${instance.level}:${instance.instanceKey}`).join(','),
      ...this.clockOf('router'),
    };
    return fork(ROUTER_MAIN, [], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], ...this.userOf('router') });
  }

  /** libfaketime shifts the process's wall clock (Date, timestamps it sends); timers run on the true monotonic clock. */
  private clockOf(role: Role): Record<string, string> {
    const offset = this.options.clockSkew?.[role];
    return offset ? { LD_PRELOAD: FAKETIME_LIBRARY, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' } : {};
  }

  private userOf(role: Role): { uid?: number; gid?: number } {
    return role === this.options.partitionable ? PARTITIONED_USER : {};
  }

  /** Cuts the partitionable service off the broker or PostgreSQL for `ms` (no FIN, no RST), then heals the network. */
  async partition(from: 'broker' | 'postgres', ms: number): Promise<void> {
    if (!this.options.partitionable) throw new Error('fault run: no service runs as the partitionable user (FaultRunOptions.partitionable)');
    const port = from === 'broker' ? Number(this.options.kafka.brokers[0].split(':').pop()) : Number(new URL(this.options.databaseUrl).port || 5432);
    const cut = partitionFrom(port);
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      cut.heal();
    }
  }

  /** Ready when its readiness endpoint answers 200 (database, broker, registry, consumer and relay up). */
  private async routerReady(child: ChildProcess, timeoutMs = 120_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      const healthy = await fetch(`http://127.0.0.1:${this.routerPort}/health`).then((response) => response.ok, () => false);
      if (healthy) return true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return false;
  }

  async kill(service: ServiceProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(service);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.killedOnPurpose.add(child);
    child.kill(signal);
    await exited;
  }

  /** Freezes a service (SIGSTOP) for `ms`, as a stalled VM or a long GC pause would, then lets it go on (SIGCONT). */
  async freeze(role: Role, ms: number): Promise<void> {
    const child = this.children.get(role);
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`fault run: ${role} is not running`);
    child.kill('SIGSTOP');
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      child.kill('SIGCONT');
    }
  }

  async restart(service: ServiceProcess): Promise<void> {
    await this.kill(service, 'SIGKILL');
    // The writer resumes writing in the background; router and registers must be consuming before the scenario goes on.
    await this.spawn(service, service !== 'writer');
  }

  /** Produces records straight onto a topic as `principal`, as a faulty or foreign producer with that identity would. */
  async inject(messages: Message[], { topic, principal, mustDeadLetter }: { topic: string; principal: string; mustDeadLetter: boolean }): Promise<void> {
    if (mustDeadLetter) {
      // A dead letter keeps its message's headers: the id finds each bad message on the dead-letter topics by identity.
      messages = messages.map((message) => {
        const id = `${this.namespace}-${this.injected + this.expectedDeadLetters.size}`;
        this.expectedDeadLetters.add(id);
        return { ...message, headers: { ...message.headers, [INJECTION_ID_HEADER]: id } };
      });
    }
    const producer = kafkaClient(this.connectionOf(principal), { clientId: `${this.namespace}-inject`, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      for (let from = 0; from < messages.length; from += 500) await producer.send({ topic, acks: -1, messages: messages.slice(from, from + 500) });
    } finally {
      await producer.disconnect();
    }
    this.injected += messages.length;
  }

  /** The first `limit` records of a topic (for duplicate deliveries). */
  async readTopic(topic: string, limit: number): Promise<Message[]> {
    const consumer = this.kafka.consumer({ groupId: `${this.namespace}.faults-reader.${randomBytes(3).toString('hex')}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const records: Message[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (records.length < limit) records.push({ key: message.key, value: message.value, headers: message.headers });
          if (records.length === limit) resolve();
        },
      });
    });
    await consumer.disconnect();
    return records;
  }

  /** The writer's database (a scenario dumps and restores it). */
  writerDatabaseUrl(): string {
    return databaseUrl(this.options.databaseUrl, this.databaseName('writer'));
  }

  /** Replay: the register's group starts again at the beginning of its delivery topic (the service must be stopped). */
  async rewindRegister(): Promise<void> {
    await withAdmin(this.kafka, (admin) => admin.resetOffsets({ groupId: this.consumerGroup, topic: this.deliveryTopic, earliest: true }));
  }

  /** The scenario's faults are over (the recovery time runs from here). */
  faultsEnded(): void {
    this.faultEndedAt = Date.now();
  }

  /** Waits until every valid move is applied and every bad message dead-lettered, and nothing moves any more. */
  async settle(timeoutMs = 600_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let stableSince = Date.now();
    let completeSince: number | undefined;
    while (Date.now() < deadline) {
      const progress = await this.progress().catch(() => undefined);
      if (progress) {
        const key = `${progress.applied}/${progress.deadLetterOffsets}/${progress.backlog}/${progress.lag}`;
        if (key !== last) [last, stableSince] = [key, Date.now()];
        // Offsets on the dead-letter topics include commit markers: an upper bound, enough to wait for; outcome() counts by id.
        const complete = progress.applied >= this.options.events && progress.deadLetterOffsets >= this.expectedDeadLetters.size && progress.backlog === 0 && progress.lag === 0;
        completeSince = complete ? (completeSince ?? Date.now()) : undefined;
        if (complete && Date.now() - stableSince > 3_000) {
          this.caughtUpAt = completeSince;
          return;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async outcome(): Promise<FaultOutcome> {
    const deadLetters = await this.deadLettersByIdentity();
    const sent = await this.query<{ eventId: string; subject: string; version: string }>(
      'writer',
      `select event_id::text as "eventId", record_key as subject, subject_version::text as version from regsync_outbox where event_type = 'ResidenceRegistered'`,
    );
    const applied = await this.query<{ eventId: string; subject: string; version: string }>('register', 'select event_id::text as "eventId", idnr as subject, subject_version::text as version from bench_apply_log order by seq');
    // A writer restored from a backup no longer holds the events it published after the dump: its outgoing topic does.
    const inOutbox = new Set(sent.map(({ eventId }) => eventId));
    const published = await this.eventIdsOn(this.outgoingTopic, new Set(applied.map(({ eventId }) => eventId).filter((eventId) => !inOutbox.has(eventId))));
    sent.push(...new Map(applied.filter(({ eventId }) => published.has(eventId) && !inOutbox.has(eventId)).map((event) => [event.eventId, event])).values());
    const numbered = (events: { eventId: string; subject: string; version: string }[]) => events.map((event) => ({ ...event, version: Number(event.version) }));
    const identity = checkByIdentity(numbered(sent), numbered(applied));
    const expected = expectedRegisterState(this.options.events);
    const rows = await this.query<{ idnr: string; checksum: string; moves: number }>(
      'register',
      `select idnr, moves_applied as moves, md5(concat_ws('|', family_name, given_names, sex, date_of_birth::text, street, house_number, postal_code, city, municipality_key, moved_in_on::text)) as checksum from bench_resident`,
    );
    const seen = new Set(rows.map((row) => row.idnr));
    const wrongState =
      rows.filter((row) => expected.get(row.idnr)?.checksum !== row.checksum || expected.get(row.idnr)?.moves !== row.moves).length + [...expected.keys()].filter((idnr) => !seen.has(idnr)).length;
    const lost = identity.lost + this.expectedDeadLetters.size - deadLetters.found;
    let held = 0;
    for (const database of ['writer', 'router', 'register'] as const) held += (await this.query<{ n: number }>(database, 'select count(*)::int as n from regsync_held_event'))[0].n;
    const lossTrail = lost > 0 ? await this.lossTrail() : undefined;
    return {
      sent: sent.length + this.injected,
      applied: new Set(applied.map(({ eventId }) => eventId)).size,
      deadLettered: deadLetters.found,
      held,
      lost,
      duplicated: identity.duplicated + deadLetters.repeated,
      notSent: identity.notSent,
      reordered: identity.reordered,
      wrongState,
      recoverySeconds: Math.max(0, ((this.caughtUpAt ?? Date.now()) - (this.faultEndedAt ?? this.started)) / 1000),
      seconds: (Date.now() - this.started) / 1000,
      lossTrail,
    };
  }

  /**
   * Reads the router's and the register's dead-letter topics to their end (read_committed): how many of the injected bad
   * messages are there, and how many dead letters repeat one. A valid move dead-lettered shows as lost in the register.
   */
  private async deadLettersByIdentity(): Promise<{ found: number; repeated: number }> {
    const topics = [this.routerGroup, this.consumerGroup].map(deadLetterTopicOf);
    const ranges = await withAdmin(this.kafka, (admin) => resolveLogRange(admin, { topics }));
    const seen = new Set<string>();
    let repeated = 0;
    await readBoundedLog(this.kafka, ranges, {
      groupPrefix: `${this.namespace}.faults-dead-letters`,
      onChunk: async ({ messages }) => {
        for (const message of messages) {
          const id = headerText(message.headers?.[INJECTION_ID_HEADER]);
          if (!id || !this.expectedDeadLetters.has(id)) continue;
          if (seen.has(id)) repeated++;
          else seen.add(id);
        }
      },
    });
    return { found: seen.size, repeated };
  }

  /** Follows every outbox event without an applied inbox row back along its way: outbox, outgoing topic, router, delivery topic, inbox. */
  private async lossTrail(): Promise<LossTrail> {
    const outbox = await this.query<{ eventId: string; published: boolean }>('writer', 'select event_id::text as "eventId", published_at is not null as published from regsync_outbox');
    const outcomes = async (database: Database) => new Map((await this.query<{ eventId: string; outcome: string }>(database, 'select event_id::text as "eventId", outcome from regsync_inbox')).map((row) => [row.eventId, row.outcome]));
    const [routed, inbox] = [await outcomes('router'), await outcomes('register')];
    const deliveries = new Map(
      (await this.query<{ eventId: string; published: boolean }>('router', `select event_id::text as "eventId", published_at is not null as published from regsync_outbox where topic = '${this.deliveryTopic}'`)).map((row) => [row.eventId, row.published]),
    );
    const trail: LossTrail = { unpublished: 0, publishedNotOnTopic: 0, notRouted: 0, notRoutedAs: {}, deliveryUnpublished: 0, deliveryNotOnTopic: 0, deliveredNotInInbox: 0, inInboxNotApplied: {} };
    const count = (counts: Record<string, number>, key: string) => (counts[key] = (counts[key] ?? 0) + 1);
    const sentNotRouted = new Set<string>();
    const deliveredNotApplied = new Set<string>();
    for (const { eventId, published } of outbox) {
      const outcome = inbox.get(eventId);
      if (outcome && APPLIED.has(outcome)) continue;
      const routing = routed.get(eventId);
      if (outcome) count(trail.inInboxNotApplied, outcome);
      else if (!published) trail.unpublished++;
      else if (!routing) sentNotRouted.add(eventId);
      else if (!APPLIED.has(routing)) count(trail.notRoutedAs, routing);
      else if (!deliveries.get(eventId)) trail.deliveryUnpublished++;
      else deliveredNotApplied.add(eventId);
    }
    const onOutgoing = await this.eventIdsOn(this.outgoingTopic, sentNotRouted);
    const onDelivery = await this.eventIdsOn(this.deliveryTopic, deliveredNotApplied);
    trail.notRouted = onOutgoing.size;
    trail.publishedNotOnTopic = sentNotRouted.size - onOutgoing.size;
    trail.deliveredNotInInbox = onDelivery.size;
    trail.deliveryNotOnTopic = deliveredNotApplied.size - onDelivery.size;
    return trail;
  }

  /** Which of `wanted` (event ids) are readable (read_committed) on `topic`. */
  private async eventIdsOn(topic: string, wanted: Set<string>): Promise<Set<string>> {
    const found = new Set<string>();
    if (wanted.size === 0) return found;
    const ranges = await withAdmin(this.kafka, (admin) => resolveLogRange(admin, { topics: [topic] }));
    await readBoundedLog(this.kafka, ranges, {
      groupPrefix: `${this.namespace}.faults-trail`,
      onChunk: async ({ messages }) => {
        for (const message of messages) {
          const eventId = headerText(message.headers?.[KAFKA_HEADERS.eventId]);
          if (eventId && wanted.has(eventId)) found.add(eventId);
        }
      },
    });
    return found;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.children.keys()].map((service) => this.kill(service, 'SIGTERM')));
    await withAdmin(this.kafka, async (admin) => {
      const topics = (await admin.listTopics().catch(() => [] as string[])).filter((name) => name.startsWith(`${this.namespace}.`));
      if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
      const groups = ((await admin.listGroups().catch(() => ({ groups: [] }))).groups as { groupId: string }[]).map((group) => group.groupId).filter((id) => id.startsWith(`${this.namespace}.`));
      if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
      await deleteBrokerAcls(admin, this.acls).catch(() => undefined);
    }).catch(() => undefined);
    for (const database of ['writer', 'router', 'register'] as const) await dropDatabase(this.options.databaseUrl, this.databaseName(database)).catch(() => undefined);
  }

  private async progress(): Promise<{ applied: number; deadLetterOffsets: number; backlog: number; lag: number }> {
    const [{ applied }] = await this.query<{ applied: number }>('register', `select count(*)::int as applied from regsync_inbox where outcome in ('applied', 'gap_applied')`);
    let backlog = 0;
    for (const database of ['writer', 'router'] as const) backlog += (await this.query<{ backlog: number }>(database, 'select count(*)::int as backlog from regsync_outbox where published_at is null'))[0].backlog;
    return withAdmin(this.kafka, async (admin) => {
      let deadLetterOffsets = 0;
      for (const group of [this.routerGroup, this.consumerGroup]) {
        const deadLetters = await admin.fetchTopicOffsets(deadLetterTopicOf(group)).catch(() => []);
        deadLetterOffsets += deadLetters.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
      }
      const lag = (await groupLag(admin, this.routerGroup, [this.outgoingTopic, this.registerOutgoingTopic])) + (await groupLag(admin, this.consumerGroup, [this.deliveryTopic]));
      return { applied, backlog, lag, deadLetterOffsets };
    });
  }

  private databaseName(database: Database): string {
    if (database === 'router') return instanceDatabaseName('router', ROUTER_INSTANCE_KEY, this.namespace);
    return benchDatabaseName({ namespace: this.namespace, pipeline: 'regsync' }, database === 'writer' ? 'producer' : 'consumer');
  }

  private query<T>(database: Database, sql: string): Promise<T[]> {
    return queryDatabase<T>(databaseUrl(this.options.databaseUrl, this.databaseName(database)), sql);
  }
}

/** Records a group has not consumed yet on `topics`. */
export async function groupLag(admin: Admin, groupId: string, topics: string[]): Promise<number> {
  let lag = 0;
  const committed = await admin.fetchOffsets({ groupId, topics });
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const done = committed.find((entry) => entry.topic === topic)?.partitions ?? [];
    // Relays write in Kafka transactions, so a partition can end with a commit marker no consumer commits past.
    lag += ends.reduce((sum, end) => {
      const offset = Number(done.find((partition) => partition.partition === end.partition)?.offset ?? -1);
      return sum + Math.max(0, Number(end.high) - Math.max(offset, Number(end.low)) - 1);
    }, 0);
  }
  return lag;
}

/** A fault child reports ready over IPC once it runs; false when it exits first. */
function reportsReady(child: ChildProcess): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    child.once('message', () => resolve(true));
    child.once('exit', () => resolve(false));
  });
}

/** A port nothing listens on now, and one fetch may connect to. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: chosen } = server.address() as { port: number };
        server.close(() => resolve(chosen));
      });
    });
    if (!isFetchBadPort(port)) return port;
  }
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from 'kafkajs';
import { Client } from 'pg';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { ResidenceRegistered } from '@regsync/contracts/generated/events';
import { moveEvent, moveWorkload } from '../throughput/move-workload';
import { ClusterControl } from './cluster-control';
import { FaultRun, Role, ServiceProcess } from './fault-run';
import { FlowsRun } from './flows-run';
import { databaseUrl } from '@regsync/persistence/databases';
import { PrivatePostgres } from './private-postgres';
import { SchemaRegistryProcess } from '../throughput/schema-registry-process';

export interface FaultScenarioContext {
  run: FaultRun;
  cluster: ClusterControl;
  postgres?: PrivatePostgres;
  registry: SchemaRegistryProcess;
  /** The scenario's seeded randomness (integers in [0, maxExclusive)): the same seed, the same fault schedule. */
  random: (maxExclusive: number) => number;
  log: (line: string) => void;
}

/** A scenario on the bench world (FaultRun: writer, router, register) or on the real services (FlowsRun). */
export type FaultScenario = BenchFaultScenario | FlowsFaultScenario;

export interface FlowsFaultScenario {
  world: 'flows';
  name: string;
  what: string;
  brokers: 1;
  /** Drives the workload and injects the faults; returns when both are done. */
  drive(context: { flows: FlowsRun; random: (maxExclusive: number) => number; log: (line: string) => void }): Promise<void>;
}

export interface BenchFaultScenario {
  world?: 'bench';
  name: string;
  what: string;
  /** Broker faults run on the 3-broker cluster (acks=all, min.insync.replicas=2), never on the shared broker. */
  brokers: 1 | 3;
  /** The PostgreSQL restart runs on a private server, so nobody else's database goes down. */
  privatePostgres?: boolean;
  /** The service that runs as a user of its own, whose network the scenario cuts (FaultRun.partition). */
  partitionable?: Role;
  /** Runs the register as two replicas in one consumer group. */
  registerReplica?: boolean;
  /** Wall-clock offsets of services for the whole run (libfaketime). */
  clockSkew?: Partial<Record<Role, string>>;
  /** Happens while the valid traffic flows; the run then settles and is checked. */
  inject(context: FaultScenarioContext): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A random moment inside [from, to) of the writing window. */
const momentIn = ({ run, random }: FaultScenarioContext, from: number, to: number) => run.writeWindowMs * (from + (random(1_000_000) / 1_000_000) * (to - from));
/** Past the relay's Kafka transaction timeout (30 s, outbox-relay.ts) and the consumers' session timeout (30 s, kafkajs). */
const PAST_TIMEOUTS_MS = 40_000;

async function killRepeatedly(context: FaultScenarioContext, roles: ServiceProcess[], times: number): Promise<void> {
  let elapsed = 0;
  for (let kill = 0; kill < times; kill++) {
    const at = momentIn(context, kill / times, (kill + 1) / times);
    await sleep(Math.max(0, at - elapsed));
    elapsed = at;
    const role = roles[context.random(roles.length)];
    context.log(`kill -9 ${role} at ${(at / 1000).toFixed(1)} s`);
    await context.run.restart(role);
  }
}

/** Poison: bytes that are not an event at all, an unknown schema id, Avro cut short. */
function poisonMessages(codec: EventCodec, count: number): Message[] {
  const valid = codec.encode(moveEvent(moveWorkload(1, 99).next().value!, new Date()));
  const kinds = [
    () => Buffer.from('{"not":"avro"}'),
    () => Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0xff]), valid.subarray(5)]),
    () => valid.subarray(0, Math.floor(valid.length / 2)),
    () => Buffer.alloc(3),
  ];
  return Array.from({ length: count }, (_, index) => ({ key: `poison-${index}`, value: kinds[index % kinds.length]() }));
}

/** Valid events about real subjects, claiming `source`, with a wrong address and a huge version: must never apply. */
function foreignMessages(codec: EventCodec, events: number, count: number, source: ResidenceRegistered['envelope']['source']): Message[] {
  const subjects = [...moveWorkload(Math.min(events, count))];
  return subjects.map((move) => {
    const event: ResidenceRegistered = moveEvent(move, new Date());
    event.envelope.subjectVersion = 1_000;
    event.envelope.source = source;
    event.address = { ...event.address, street: 'Falsche Straße' };
    return { key: move.idnr, value: codec.encode(event) };
  });
}

/** `<role>-<from>-partition`: the service cut off from the broker or PostgreSQL (packets dropped, no FIN/RST) for `ms`, then healed. */
function partitionScenario(role: 'register' | 'router', from: 'broker' | 'postgres', ms: number, when: string): FaultScenario {
  const peer = from === 'broker' ? 'the broker' : 'PostgreSQL';
  return {
    name: `${role}-${from}-partition`,
    what: `the ${role} cut off from ${peer} (packets dropped, no FIN/RST) for ${ms / 1000} s, ${when}, then healed`,
    brokers: 1,
    partitionable: role,
    inject: async (context) => {
      await sleep(momentIn(context, 0.2, 0.5));
      context.log(`partition ${role} | ${peer} for ${ms / 1000} s`);
      await context.run.partition(from, ms);
      context.log('healed');
    },
  };
}

/**
 * Poison on the writer's outgoing topic (written with the writer's own credentials, as a broken sender would), events
 * on it that claim another municipality as their sender (router: source-mismatch), and address events the Land writes
 * on its own outgoing topic though only a Melderegister is authoritative for addresses (router: not-authoritative).
 */
async function injectBadTraffic(run: FaultRun, codec: EventCodec, count: number): Promise<void> {
  const asWriter = { topic: run.outgoingTopic, principal: run.principals.writer, mustDeadLetter: true };
  await run.inject(poisonMessages(codec, count), asWriter);
  await run.inject(foreignMessages(codec, run.options.events, count / 2, { level: 'MUNICIPAL', instanceKey: '03241001', register: 'MELDEREGISTER' }), asWriter);
  const land = { level: 'STATE', instanceKey: '14', register: 'LANDESMELDEREGISTER' } as const;
  await run.inject(foreignMessages(codec, run.options.events, count / 2, land), { topic: run.registerOutgoingTopic, principal: run.principals.register, mustDeadLetter: true });
}

/**
 * The writer's database dumped (pg_dump) early in the run; later the writer stopped, its database dropped and restored
 * from the dump, and the writer started again on it. Its client does not repeat the chunks that reached Kafka (entered
 * as written again), only the ones the restore lost before they were sent, so every move is sent once: those written
 * after the dump reached the register before the restore, the ones after it come from the restored database, with
 * counters rolled back. They must apply (a new epoch), none as stale.
 */
async function restoreWriterFromDump(context: FaultScenarioContext): Promise<void> {
  const { run, log } = context;
  const writer = run.writerDatabaseUrl();
  const directory = mkdtempSync(join(tmpdir(), 'regsync-faults-restore-'));
  const dump = join(directory, 'writer.dump');
  try {
    await sleep(momentIn(context, 0.1, 0.2));
    const sentBeforeDump = await chunksSentWhen(writer, run.options.transactionSize, (sent) => sent >= 2);
    execFileSync('pg_dump', ['--format=custom', `--file=${dump}`, writer]);
    log(`writer database dumped after ${sentBeforeDump} chunks sent`);
    await sleep(momentIn(context, 0.1, 0.2));
    await chunksSentWhen(writer, run.options.transactionSize, (sent) => sent >= sentBeforeDump + 4);
    // Stopped as an operator stops a service to restore its database: the relay's last transaction completes.
    await run.kill('writer', 'SIGTERM');
    const sent = await sentChunks(writer, run.options.transactionSize);
    const database = new URL(writer).pathname.slice(1);
    const server = databaseUrl(writer, 'postgres');
    execFileSync('psql', [server, '--quiet', '--command', `drop database "${database}" with (force)`]);
    execFileSync('pg_restore', ['--create', `--dbname=${server}`, dump]);
    const restored = await writtenChunks(writer);
    await enterChunksAsWritten(writer, sent);
    log(`writer stopped, database restored from the dump: ${sent - restored} chunks of ${run.options.transactionSize} moves sent since are gone from it`);
    await run.spawn('writer', false);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** How many chunks the writer has written (its progress table, bench_writer_progress; 0 before the writer made it). */
async function writtenChunks(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const [{ exists }] = (await client.query<{ exists: boolean }>(`select to_regclass('bench_writer_progress') is not null as exists`)).rows;
    return exists ? (await client.query<{ count: number }>('select count(*)::int as count from bench_writer_progress')).rows[0].count : 0;
  });
}

/** Waits (up to 2 minutes) until the number of chunks sent satisfies `enough`, and returns it. */
async function chunksSentWhen(url: string, transactionSize: number, enough: (sent: number) => boolean): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const sent = await sentChunks(url, transactionSize).catch(() => 0);
    if (enough(sent)) return sent;
    if (Date.now() > deadline) throw new Error(`producer-restore: the writer sent only ${sent} chunks in 2 minutes`);
    await sleep(250);
  }
}

/** How many of the chunks written were sent: the relay publishes in outbox id order, whole transactions at this rate. */
async function sentChunks(url: string, transactionSize: number): Promise<number> {
  const [{ unpublished }] = await withClient(url, async (client) => (await client.query<{ unpublished: number }>('select count(*)::int as unpublished from regsync_outbox where published_at is null')).rows);
  return (await writtenChunks(url)) - Math.ceil(unpublished / transactionSize);
}

/** Records the first `count` chunks as written: the answers the writer's client got before the restore. */
async function enterChunksAsWritten(url: string, count: number): Promise<void> {
  await withClient(url, (client) => client.query('insert into bench_writer_progress (chunk) select generate_series(0, $1::int - 1) on conflict do nothing', [count]));
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The scripted fault runs of `npm run faults`, in the order they run. */
export const FAULT_SCENARIOS: FaultScenario[] = [
  {
    name: 'writer-kill',
    what: 'kill -9 of the sending service (outbox writer + relay) 3× at random moments',
    brokers: 1,
    inject: (context) => killRepeatedly(context, ['writer'], 3),
  },
  {
    name: 'register-kill',
    what: 'kill -9 of the consuming register service 3× at random moments',
    brokers: 1,
    inject: (context) => killRepeatedly(context, ['register'], 3),
  },
  {
    name: 'router-kill',
    what: 'kill -9 of the router 3× at random moments',
    brokers: 1,
    inject: (context) => killRepeatedly(context, ['router'], 3),
  },
  {
    name: 'any-service-kill',
    what: 'kill -9 of a randomly chosen service (writer, router or register) 6× at random moments',
    brokers: 1,
    inject: (context) => killRepeatedly(context, ['writer', 'router', 'register'], 6),
  },
  {
    name: 'register-replica-kill',
    what: 'the register as two replicas in one consumer group (as deploy/k8s runs it): kill -9 of a random replica 4× at random moments, the other taking over its partitions',
    brokers: 1,
    registerReplica: true,
    inject: (context) => killRepeatedly(context, ['register', 'register-replica'], 4),
  },
  {
    name: 'clock-skew',
    what: "the writer's wall clock 2 h ahead, the router's 90 min behind and the register's 7 min ahead (libfaketime) for the whole run",
    brokers: 1,
    clockSkew: { writer: '+2h', router: '-90m', register: '+7m' },
    // The skew is there from the start; nothing to do while the traffic flows.
    inject: async () => undefined,
  },
  {
    name: 'broker-restart',
    what: 'every broker of the cluster stopped and started again mid-run',
    brokers: 3,
    inject: async (context) => {
      const { cluster, log } = context;
      await sleep(momentIn(context, 0.2, 0.5));
      const layout = cluster.clusterLayout(3);
      log('stopping all 3 brokers');
      await Promise.all(layout.brokers.map((broker) => cluster.stopBroker(broker)));
      await sleep(5_000);
      layout.brokers.forEach((broker) => cluster.startBroker(layout, broker));
      await cluster.waitForKafka(layout.bootstrap, 3);
      log('cluster back');
    },
  },
  {
    name: 'one-broker-down',
    what: 'kill -9 of one broker of three for a third of the run (acks=all, min.insync.replicas=2)',
    brokers: 3,
    inject: async (context) => {
      const { run, cluster, log } = context;
      await sleep(momentIn(context, 0.1, 0.3));
      const layout = cluster.clusterLayout(3);
      const victim = layout.brokers[context.random(3)];
      log(`kill -9 broker ${victim.nodeId}`);
      await cluster.stopBroker(victim, 'SIGKILL');
      await sleep(run.writeWindowMs / 3);
      cluster.startBroker(layout, victim);
      await cluster.waitForKafka(layout.bootstrap, 3);
      log(`broker ${victim.nodeId} back`);
    },
  },
  {
    name: 'postgres-restart',
    what: 'PostgreSQL (every service’s database) restarted mid-run',
    brokers: 1,
    privatePostgres: true,
    inject: async (context) => {
      const { postgres, log } = context;
      await sleep(momentIn(context, 0.3, 0.6));
      log('restarting PostgreSQL');
      await postgres!.restart();
    },
  },
  {
    name: 'postgres-crash',
    what: 'kill -9 of the PostgreSQL postmaster (every service’s database) mid-run, then crash recovery',
    brokers: 1,
    privatePostgres: true,
    inject: async (context) => {
      await sleep(momentIn(context, 0.3, 0.6));
      context.log('kill -9 of the postmaster');
      await context.postgres!.crash();
      context.log('PostgreSQL recovered and accepting connections');
    },
  },
  {
    name: 'relay-hang',
    what: 'the sending service (outbox writer + relay) frozen (SIGSTOP) past its Kafka transaction timeout, then resumed',
    brokers: 1,
    inject: async (context) => {
      await sleep(momentIn(context, 0.2, 0.5));
      context.log(`SIGSTOP writer for ${PAST_TIMEOUTS_MS / 1000} s`);
      await context.run.freeze('writer', PAST_TIMEOUTS_MS);
    },
  },
  {
    name: 'consumer-pause',
    what: 'the register, then the router frozen (SIGSTOP) past the consumer session timeout (rebalance), then resumed',
    brokers: 1,
    inject: async (context) => {
      await sleep(momentIn(context, 0.1, 0.3));
      context.log(`SIGSTOP register for ${PAST_TIMEOUTS_MS / 1000} s`);
      await context.run.freeze('register', PAST_TIMEOUTS_MS);
      context.log(`SIGSTOP router for ${PAST_TIMEOUTS_MS / 1000} s`);
      await context.run.freeze('router', PAST_TIMEOUTS_MS);
    },
  },
  partitionScenario('register', 'broker', PAST_TIMEOUTS_MS, 'past its session timeout'),
  partitionScenario('router', 'broker', PAST_TIMEOUTS_MS, 'past its session timeout'),
  partitionScenario('register', 'postgres', 30_000, 'mid-transaction'),
  {
    name: 'producer-restore',
    what: "the writer's database restored from a pg_dump taken earlier in the run (counters and outbox ids roll back), the writer started again on it",
    brokers: 1,
    inject: restoreWriterFromDump,
  },
  {
    name: 'registry-outage',
    what: 'the schema registry stopped for 20 s mid-run (services must pause, not dead-letter), then started again',
    brokers: 1,
    inject: async (context) => {
      await sleep(momentIn(context, 0.2, 0.5));
      context.log('stopping the schema registry');
      await context.registry.stop();
      await sleep(20_000);
      await context.registry.start();
      context.log('schema registry back');
    },
  },
  {
    name: 'poison-burst',
    what: '200 poison + 100 forged-sender + 100 non-authoritative messages mixed into the valid traffic',
    brokers: 1,
    inject: async (context) => {
      const { run } = context;
      const codec = await EventCodec.connect(run.options.schemaRegistryUrl);
      await sleep(momentIn(context, 0.2, 0.4));
      await injectBadTraffic(run, codec, 100);
      await sleep(momentIn(context, 0.1, 0.2));
      await injectBadTraffic(run, codec, 100);
    },
  },
  {
    name: 'duplicates-replay',
    what: 'copies of sent and of delivered records re-sent, then the register replays its delivery topic from offset 0',
    brokers: 1,
    inject: async ({ run, log }) => {
      await sleep(run.writeWindowMs / 2);
      const sent = await run.readTopic(run.outgoingTopic, Math.floor(run.options.events / 8));
      await run.inject(sent, { topic: run.outgoingTopic, principal: run.principals.writer, mustDeadLetter: false });
      const delivered = await run.readTopic(run.deliveryTopic, Math.floor(run.options.events / 8));
      await run.inject(delivered, { topic: run.deliveryTopic, principal: run.principals.router, mustDeadLetter: false });
      log(`${sent.length} sent and ${delivered.length} delivered records sent again`);
      await run.settle();
      await run.kill('register', 'SIGTERM');
      await run.rewindRegister();
      await run.spawn('register');
      log('register replaying from offset 0');
    },
  },
  {
    world: 'flows',
    name: 'flows-kill',
    what:
      'the real services (three Melderegister with Standesamt and Grundsteuer, two Länder, the BZSt, the router) driven by agency calls through every event type ' +
      '(registration, information block set and lifted, move with Rückmeldung, marriage, death, birth with IdNr, parcels recorded, changed and moved to another roll, ' +
      'restatements for drift repair), ' +
      'retried with their Idempotency-Key; kill -9 of a random service 5× meanwhile',
    brokers: 1,
    drive: async ({ flows, random, log }) => {
      const driving = flows.drive();
      const services = flows.services;
      for (let kill = 0; kill < 5; kill++) {
        await sleep(5_000 + random(15_000));
        const service = services[random(services.length)];
        log(`kill -9 ${service}`);
        await flows.killAndRestart(service);
      }
      await driving;
    },
  },
];

import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kafka, logLevel, Message } from 'kafkajs';
import { Client } from 'pg';
import { consumerGroupOf, deadLetterTopicOf } from '@regsync/contracts/topic-catalog';
import { databaseUrl } from '@regsync/persistence/database-url';
import { KAFKA_HEADERS, headerText } from '@regsync/contracts/kafka-headers';
import { readBoundedLog } from '@regsync/messaging/replay/bounded-log-reader';
import { resolveLogRange } from '@regsync/messaging/replay/log-range';
import { dropDatabase } from '@regsync/persistence/ensure-database';
import { benchDatabaseName } from '../throughput/bench-database-name';
import { benchTopicOf } from '../throughput/bench-topic';
import { expectedRegisterState } from './expected-register-state';
import { FaultChildSpec } from './fault-child-spec';
import { KafkaConnection } from '@regsync/service-runtime/service-config';
import { kafkaClient } from '@regsync/messaging/kafka-client';

export interface FaultRunOptions {
  events: number;
  rate: number;
  transactionSize: number;
  kafka: KafkaConnection;
  databaseUrl: string;
  schemaRegistryUrl: string;
}

export interface FaultOutcome {
  /** Valid moves written plus everything injected (poison, non-authoritative, duplicate copies). */
  sent: number;
  applied: number;
  deadLettered: number;
  /** Valid moves without effect plus bad messages neither applied nor dead-lettered. */
  lost: number;
  duplicated: number;
  /** Subjects whose final row differs from the expected one (order or content). */
  wrongState: number;
  seconds: number;
  /** Only when something was lost: where each valid event without effect stopped on its way. */
  lossTrail?: LossTrail;
}

/** Counts of the valid events that have no effect in the register, by the last place they were seen. */
export interface LossTrail {
  /** Still in the writer's outbox, not published. */
  unpublished: number;
  /** Marked published, but not readable (read_committed) on the event topic: the relay lost them. */
  publishedNotOnTopic: number;
  /** On the event topic, but absent from the register's inbox: the consumer skipped them. */
  onTopicNotInInbox: number;
  /** In the inbox with an outcome other than applied, by outcome (e.g. stale: an older version arrived late). */
  inInboxNotApplied: Record<string, number>;
}

type Role = FaultChildSpec['role'];

/**
 * One fault scenario's world: a writer service (outbox + relay) and a register service (inbox) as child processes on
 * their own namespace, the means to kill, restart and inject, and the final exact check of the register.
 */
export class FaultRun {
  readonly namespace = `faults_${randomBytes(3).toString('hex')}`;
  readonly topic = benchTopicOf(this.namespace);
  readonly consumerGroup = consumerGroupOf('state-register', '14', this.namespace);
  readonly kafka: Kafka;
  private readonly children = new Map<Role, ChildProcess>();
  private readonly killedOnPurpose = new WeakSet<ChildProcess>();
  private stopping = false;
  /** Services that died by themselves (e.g. when PostgreSQL went away) and were started again, as a supervisor would. */
  crashRestarts = 0;
  private readonly started = Date.now();
  private injected = 0;
  /** Injected messages that must end on the dead-letter topic. */
  private expectedDeadLetters = 0;

  constructor(readonly options: FaultRunOptions) {
    this.kafka = kafkaClient(options.kafka, { clientId: `${this.namespace}-faults`, logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  }

  /** Writing time of the valid moves at the configured rate: the window in which faults are meant to land. */
  get writeWindowMs(): number {
    return (this.options.events / this.options.rate) * 1000;
  }

  async start(): Promise<void> {
    await this.spawn('register');
    await this.spawn('writer', false);
  }

  /**
   * Starts a service; with `waitReady`, until it reports ready, trying again when it dies while starting (a freshly
   * started or just restarted cluster can refuse the first metadata requests).
   */
  async spawn(role: Role, waitReady = true, attempts = 4): Promise<void> {
    const spec: FaultChildSpec = { role, namespace: this.namespace, kafka: this.options.kafka, databaseUrl: this.options.databaseUrl, schemaRegistryUrl: this.options.schemaRegistryUrl, count: this.options.events, transactionSize: this.options.transactionSize, rate: this.options.rate };
    const child = fork(join(__dirname, 'fault-child.main.js'), [JSON.stringify(spec)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.children.set(role, child);
    let starting = waitReady;
    child.once('exit', () => {
      if (starting || this.stopping || this.killedOnPurpose.has(child)) return;
      this.crashRestarts++;
      setTimeout(() => void this.spawn(role, false), 1_000);
    });
    if (!waitReady) return;
    const ready = await new Promise<boolean>((resolve) => {
      child.once('message', () => resolve(true));
      child.once('exit', () => resolve(false));
    });
    starting = false;
    if (ready) return;
    if (attempts <= 1) throw new Error(`${role} exited ${child.exitCode ?? child.signalCode} while starting, giving up`);
    this.crashRestarts++;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await this.spawn(role, true, attempts - 1);
  }

  async kill(role: Role, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(role);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    this.killedOnPurpose.add(child);
    child.kill(signal);
    await exited;
  }

  async restart(role: Role): Promise<void> {
    await this.kill(role, 'SIGKILL');
    // The writer resumes writing in the background; the register must be consuming before the scenario goes on.
    await this.spawn(role, role === 'register');
  }

  /** Produces records straight onto the event topic, as a faulty or foreign producer would. */
  async inject(messages: Message[], mustDeadLetter: boolean): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    for (let from = 0; from < messages.length; from += 500) await producer.send({ topic: this.topic, acks: -1, messages: messages.slice(from, from + 500) });
    await producer.disconnect();
    this.injected += messages.length;
    if (mustDeadLetter) this.expectedDeadLetters += messages.length;
  }

  /** Every record on the event topic so far (for duplicate deliveries). */
  async readTopic(limit: number): Promise<Message[]> {
    const consumer = this.kafka.consumer({ groupId: `${this.namespace}.faults-reader` });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
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

  /** Replay: the register's group starts again at the beginning of the log (the service must be stopped). */
  async rewindRegister(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: this.consumerGroup, topic: this.topic, earliest: true });
    await admin.disconnect();
  }

  /** Waits until every valid move is applied and every bad message dead-lettered, and nothing moves any more. */
  async settle(timeoutMs = 300_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    let stableSince = Date.now();
    while (Date.now() < deadline) {
      const progress = await this.progress().catch(() => undefined);
      if (progress) {
        const key = `${progress.applied}/${progress.deadLettered}/${progress.backlog}/${progress.lag}`;
        if (key !== last) [last, stableSince] = [key, Date.now()];
        const complete = progress.applied >= this.options.events && progress.deadLettered >= this.expectedDeadLetters && progress.backlog === 0 && progress.lag === 0;
        if (complete && Date.now() - stableSince > 3_000) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async outcome(): Promise<FaultOutcome> {
    const { applied, deadLettered } = await this.progress();
    const expected = expectedRegisterState(this.options.events);
    const rows = await this.query<{ idnr: string; checksum: string; moves: number }>(
      'consumer',
      `select idnr, moves_applied as moves, md5(concat_ws('|', family_name, given_names, sex, date_of_birth::text, street, house_number, postal_code, city, municipality_key, moved_in_on::text)) as checksum from bench_resident`,
    );
    let lost = 0;
    let duplicated = 0;
    let wrongState = 0;
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.idnr);
      const want = expected.get(row.idnr);
      if (!want) {
        duplicated += row.moves;
        wrongState++;
        continue;
      }
      lost += Math.max(0, want.moves - row.moves);
      duplicated += Math.max(0, row.moves - want.moves);
      if (want.checksum !== row.checksum) wrongState++;
    }
    for (const [idnr, want] of expected) if (!seen.has(idnr)) [lost, wrongState] = [lost + want.moves, wrongState + 1];
    lost += Math.max(0, this.expectedDeadLetters - deadLettered);
    const seconds = (Date.now() - this.started) / 1000;
    const lossTrail = lost > 0 ? await this.lossTrail() : undefined;
    return { sent: this.options.events + this.injected, applied, deadLettered, lost, duplicated, wrongState, seconds, lossTrail };
  }

  /** Follows every outbox event without an applied inbox row back along its way: outbox, topic, inbox. */
  private async lossTrail(): Promise<LossTrail> {
    const outbox = await this.query<{ eventId: string; published: boolean }>('producer', 'select event_id::text as "eventId", published_at is not null as published from regsync_outbox');
    const inbox = new Map(
      (await this.query<{ eventId: string; outcome: string }>('consumer', 'select event_id::text as "eventId", outcome from regsync_inbox')).map((row) => [row.eventId, row.outcome]),
    );
    const trail: LossTrail = { unpublished: 0, publishedNotOnTopic: 0, onTopicNotInInbox: 0, inInboxNotApplied: {} };
    const missing = new Set<string>();
    for (const { eventId, published } of outbox) {
      const outcome = inbox.get(eventId);
      if (outcome === 'applied' || outcome === 'gap_applied') continue;
      if (outcome) trail.inInboxNotApplied[outcome] = (trail.inInboxNotApplied[outcome] ?? 0) + 1;
      else if (!published) trail.unpublished++;
      else missing.add(eventId);
    }
    if (missing.size === 0) return trail;
    const onTopic = new Set<string>();
    const admin = this.kafka.admin();
    await admin.connect();
    const ranges = await resolveLogRange(admin, { topics: [this.topic] }).finally(() => admin.disconnect());
    await readBoundedLog(this.kafka, ranges, {
      groupPrefix: `${this.namespace}.faults-trail`,
      onChunk: async ({ messages }) => {
        for (const message of messages) {
          const eventId = headerText(message.headers?.[KAFKA_HEADERS.eventId]);
          if (eventId && missing.has(eventId)) onTopic.add(eventId);
        }
      },
    });
    trail.onTopicNotInInbox = onTopic.size;
    trail.publishedNotOnTopic = missing.size - onTopic.size;
    return trail;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([this.kill('writer', 'SIGTERM'), this.kill('register', 'SIGTERM')]);
    const admin = this.kafka.admin();
    await admin.connect().catch(() => undefined);
    const topics = (await admin.listTopics().catch(() => [] as string[])).filter((name) => name.startsWith(`${this.namespace}.`));
    if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
    const groups = ((await admin.listGroups().catch(() => ({ groups: [] }))).groups as { groupId: string }[]).map((group) => group.groupId).filter((id) => id.startsWith(`${this.namespace}.`));
    if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    for (const role of ['producer', 'consumer'] as const) await dropDatabase(this.options.databaseUrl, benchDatabaseName({ namespace: this.namespace, pipeline: 'regsync' }, role)).catch(() => undefined);
  }

  private async progress(): Promise<{ applied: number; deadLettered: number; backlog: number; lag: number }> {
    const [{ applied }] = await this.query<{ applied: number }>('consumer', `select count(*)::int as applied from regsync_inbox where outcome in ('applied', 'gap_applied')`);
    const [{ backlog }] = await this.query<{ backlog: number }>('producer', 'select count(*)::int as backlog from regsync_outbox where published_at is null');
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const deadLetters = await admin.fetchTopicOffsets(deadLetterTopicOf(this.consumerGroup)).catch(() => []);
      const ends = await admin.fetchTopicOffsets(this.topic);
      const [committed] = await admin.fetchOffsets({ groupId: this.consumerGroup, topics: [this.topic] });
      // The relay writes in Kafka transactions, so a partition can end with a commit marker no consumer commits past.
      const lag = ends.reduce((sum, end) => {
        const done = Number(committed?.partitions.find((partition) => partition.partition === end.partition)?.offset ?? -1);
        return sum + Math.max(0, Number(end.high) - Math.max(done, Number(end.low)) - 1);
      }, 0);
      return { applied, backlog, lag, deadLettered: deadLetters.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0) };
    } finally {
      await admin.disconnect();
    }
  }

  private async query<T>(role: 'producer' | 'consumer', sql: string): Promise<T[]> {
    const client = new Client({ connectionString: databaseUrl(this.options.databaseUrl, benchDatabaseName({ namespace: this.namespace, pipeline: 'regsync' }, role)) });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }
}

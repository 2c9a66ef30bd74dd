import { Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, Producer, TopicMessages } from 'kafkajs';
import { Client, ClientConfig } from 'pg';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { withDeadline } from '@regsync/service-runtime/service-startup';
import { AcknowledgedSender } from './acknowledged-sender';
import { KAFKA_HEADERS } from '@regsync/contracts/topics';
import { RestoreFinding, restoredBehind, startEpochAfterRestore } from './producer-restore';
import { REDRIVE_OUTCOME_RECORD_TYPE } from './redrive-outcome';
import { publishedPayload, StoredPayload } from './subject-version-slot';
import { inSpan, traceContextOf } from './trace-context';

export interface OutboxRelayOptions {
  /** Transactional id and progress-marker key, e.g. `regsync-relay.<namespace>.<app>.<instanceKey>`. */
  relayId: string;
  /** The namespaced progress topic (compacted, 1 partition). */
  progressTopic: string;
  database: ClientConfig;
  metrics: RegsyncMetrics;
  /** Rows per Kafka transaction at most (default 2,000). */
  batchSize?: number;
  /**
   * Payload bytes per Kafka transaction at most (default 512 KiB), as stored (an event's version adds up to 7 bytes when
   * published); a batch holds at least one row.
   */
  batchBytes?: number;
  /** Fallback poll interval when no NOTIFY arrives. */
  pollMs?: number;
}

/** A batch whose Kafka transaction is being committed, and the update that will mark its rows published. */
interface InFlight {
  rows: OutboxRow[];
  transaction: number;
  committed: Promise<void>;
}

interface OutboxRow {
  id: string;
  event_type: string;
  topic: string;
  record_key: string | null;
  /** Null: a tombstone. */
  payload: Buffer | null;
  headers: Record<string, string>;
}

/**
 * The marker value on the progress topic: the outbox ids of one committed Kafka transaction, as ranges; the
 * transaction's number (counting this relay's transactions) and the database's epoch when it was sent.
 */
interface ProgressMarker {
  ids: [string, string][];
  transaction?: number;
  epoch?: number;
}

// One relay per database: every relay of every instance uses the same lock key in its own database.
const RELAY_LOCK_KEY = 7_216_042_001;
const STANDBY_RETRY_MS = 2_000;
/** The most rows one relay transaction publishes (the default batch; the bootstrap from a state topic relies on it). */
export const RELAY_MAX_BATCH_ROWS = 2_000;
/**
 * How the database server notices that the active relay's host vanished (no FIN, no RST): keepalive probes after 5 s
 * idle, 3 unanswered 2 s apart, and at most 10 s of unacknowledged data. It then ends the session, which releases the
 * lock, and a standby takes over within about 13 s (+ STANDBY_RETRY_MS). The system defaults would keep the lock for
 * hours (tcp_keepalives_idle 7200 s on Linux). Set per session, so no server configuration is needed.
 */
const DEAD_PEER_DETECTION = ['set tcp_keepalives_idle = 5', 'set tcp_keepalives_interval = 2', 'set tcp_keepalives_count = 3', 'set tcp_user_timeout = 10000'];
// InitProducerId meets a transaction coordinator that is still loading on a new broker; past this, start over.
const PRODUCER_INIT_TIMEOUT_MS = 60_000;

/**
 * Publishes outbox rows in id order. Each batch goes out in ONE Kafka transaction together with a progress
 * marker naming its row ids; the rows are marked published afterwards. After a crash between the Kafka commit
 * and that update, the relay reads its last committed marker first, so a row is never published twice or
 * skipped. Per-subject order holds because a subject's rows get their ids in version order (outbox.ts).
 *
 * Pipelined, still single flight on Kafka: the next batch is read while the previous transaction commits, and a
 * batch's rows are marked published while the next batch is being sent. A transaction commits only after the
 * previous batch's rows are marked, so the last committed marker always names the only rows that may be sent
 * but not marked, which is what recovery relies on.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly batchSize: number;
  private readonly batchBytes: number;
  private readonly pollMs: number;
  private client?: Client;
  private producer?: Producer;
  private running?: Promise<void>;
  private stopping = false;
  private wakeUp?: () => void;
  private notified = false;
  private state: { healthy: boolean; detail: string } = { healthy: false, detail: 'waiting for the broker and the schema registry' };
  private metricsUpdatedAt = 0;
  private readonly sender: AcknowledgedSender;
  /** The number of the last Kafka transaction committed (or recovered), and the database's epoch. */
  private transaction = 0;
  private epoch = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? RELAY_MAX_BATCH_ROWS;
    this.batchBytes = options.batchBytes ?? 512 * 1024;
    this.pollMs = options.pollMs ?? 1_000;
    this.sender = new AcknowledgedSender(kafka);
  }

  start(): void {
    if (this.stopping) return;
    this.running ??= this.run();
  }

  /** Finishes the current Kafka transaction and its DB update, then releases the lock and disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.running;
  }

  health(): { healthy: boolean; detail: string } {
    return this.state;
  }

  /** This relay holds the database's relay lock and publishes: writers of this process wake it directly (OutboxWakeUp). */
  get publishing(): boolean {
    return this.state.detail === 'publishing';
  }

  /** New rows are committed: read again now instead of sleeping until the next poll. */
  wake(): void {
    this.notified = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    let backoff = 500;
    while (!this.stopping) {
      try {
        await this.connect();
        if (!(await this.acquireLock())) break;
        this.state = { healthy: false, detail: 'initialising the transactional producer' };
        const started = Date.now();
        await withDeadline((signal) => this.connectProducer(signal), PRODUCER_INIT_TIMEOUT_MS);
        const initialised = Date.now();
        this.state = { healthy: true, detail: 'recovering' };
        await this.recover();
        this.logger.log(`start-up: outbox relay ${this.options.relayId}: transactional producer initialised in ${initialised - started} ms, last marker recovered in ${Date.now() - initialised} ms`);
        this.state = { healthy: true, detail: 'publishing' };
        backoff = 500;
        await this.publishUntilStopped();
      } catch (error) {
        this.state = { healthy: false, detail: (error as Error).message };
        this.logger.error(`outbox relay ${this.options.relayId} failed, restarting in ${backoff} ms: ${(error as Error).message}`);
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 10_000);
      } finally {
        await this.disconnect();
      }
    }
  }

  private async connect(): Promise<void> {
    const client = new Client(this.options.database);
    client.on('error', (error) => this.logger.warn(`outbox relay database connection: ${error.message}`));
    client.on('notification', () => this.wake());
    this.client = client;
    await client.connect();
    for (const setting of DEAD_PEER_DETECTION) await client.query(setting);
    await client.query('listen regsync_outbox');
  }

  /** Waits as a standby until this relay holds the database's relay lock; false when stopped meanwhile. */
  private async acquireLock(): Promise<boolean> {
    while (!this.stopping) {
      const { rows } = await this.db().query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [RELAY_LOCK_KEY]);
      if (rows[0].locked) return true;
      this.state = { healthy: true, detail: 'standby: another relay holds the lock' };
      await this.sleep(STANDBY_RETRY_MS);
    }
    return false;
  }

  private async connectProducer(abandoned: AbortSignal): Promise<void> {
    const producer = this.kafka.producer({
      transactionalId: this.options.relayId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The coordinator answers CONCURRENT_TRANSACTIONS to the next transaction's AddPartitionsToTxn until it has written
      // the previous commit's markers (a few ms): retry that soon, not after kafkajs' default 300 ms.
      retry: { initialRetryTime: 20, retries: Number.MAX_SAFE_INTEGER },
    });
    this.producer = producer;
    abandoned.addEventListener('abort', () => void producer.disconnect().catch(() => undefined));
    await producer.connect();
    // Initialising the transactional id fences a previous incarnation and aborts its open transaction,
    // so afterwards the progress topic holds only committed markers of ours.
    const fence = await producer.transaction();
    await fence.abort();
  }

  /**
   * Marks the rows of the last committed marker published (a crash between the Kafka commit and that update), and
   * finds out whether the database was restored from a backup: then it starts a new epoch (producer-restore.ts).
   * Records the database as checked, which lets the outbox number events in a database new to it.
   */
  private async recover(): Promise<void> {
    const last = await this.lastCommittedMarker();
    const [state] = (
      await this.db().query<{ epoch: string; transaction: string | null; published_at: Date | null }>(
        'select epoch::text as epoch, published_transaction::text as transaction, published_at from regsync_producer_state',
      )
    ).rows;
    this.epoch = Number(state.epoch);
    this.transaction = Math.max(last?.marker.transaction ?? 0, Number(state.transaction ?? 0));
    const ids = last?.marker.ids.flatMap(([from, to]) => rangeOf(from, to)) ?? [];
    if (last) {
      const { rows } = await this.db().query<{ present: number }>('select count(*)::int as present from regsync_outbox where id = any($1::bigint[])', [ids]);
      const database = { transaction: state.transaction === null ? null : Number(state.transaction), publishedAt: state.published_at };
      const positions = { kafkaTransaction: last.marker.transaction, databaseTransaction: database.transaction, markerRowsPresent: rows[0].present === ids.length };
      if (restoredBehind(positions)) await this.startEpochAfterRestore(last, database);
    }
    const { rows: marked } = await this.db().query<{ count: number }>(
      `with marked as (update regsync_outbox set published_at = now() where id = any($1::bigint[]) and published_at is null returning id),
       state as (update regsync_producer_state set published_transaction = $2::bigint, checked_database = (select oid from pg_database where datname = current_database()))
       select count(*)::int as count from marked`,
      [ids, this.transaction],
    );
    if (marked[0].count > 0) this.logger.warn(`outbox relay ${this.options.relayId}: rows of Kafka transaction ${this.transaction} were published before a crash; marked published, not sent again`);
  }

  private async startEpochAfterRestore(last: { marker: ProgressMarker; at: Date }, database: RestoreFinding['database']): Promise<void> {
    const { marker, at } = last;
    const kafka = { transaction: marker.transaction!, epoch: marker.epoch ?? 0, highestId: marker.ids[marker.ids.length - 1][1], committedAt: at };
    const { epoch, report } = await startEpochAfterRestore(this.db(), { relayId: this.options.relayId, kafka, database });
    this.epoch = epoch;
    this.logger.error(report);
  }

  /** Reads the progress topic (read_committed) up to its end and returns this relay's last marker, with its time. */
  private async lastCommittedMarker(): Promise<{ marker: ProgressMarker; at: Date } | undefined> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(this.options.progressTopic).finally(() => admin.disconnect());
    const partition = offsets.find((entry) => entry.partition === 0);
    if (!partition || partition.high === partition.low) return undefined;

    const consumer = this.kafka.consumer({ groupId: `${this.options.relayId}.recovery.${randomUUID()}`, readUncommitted: false });
    let marker: { marker: ProgressMarker; at: Date } | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: this.options.progressTopic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        let end: bigint | undefined;
        const timer = setTimeout(() => reject(new Error(`could not read ${this.options.progressTopic} to its end within 60 s`)), 60_000);
        // END_BATCH_PROCESS also fires for batches of control records only, which eachBatch never sees.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          end ??= BigInt(payload.highWatermark);
          if (BigInt(payload.lastOffset) >= end - 1n) {
            clearTimeout(timer);
            resolve();
          }
        });
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              for (const message of batch.messages) {
                if (message.key?.toString() === this.options.relayId && message.value) marker = { marker: JSON.parse(message.value.toString()) as ProgressMarker, at: new Date(Number(message.timestamp)) };
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return marker;
  }

  /**
   * Single flight: one Kafka transaction at a time on the one transactional producer. A NOTIFY while a batch is out
   * only sets `notified`, so the loop reads again right after it instead of sleeping.
   */
  private async publishUntilStopped(): Promise<void> {
    let inFlight: InFlight | undefined;
    let marked: Promise<void> = Promise.resolve();
    try {
      while (!this.stopping) {
        this.notified = false;
        // Read while the previous transaction commits; its rows are still unpublished in the table, so skip them.
        let rows = await this.readBatch(inFlight?.rows ?? []);
        if (inFlight) {
          await inFlight.committed;
          // At a low rate, rows committed during that commit would otherwise wait a whole round: read again.
          if (this.notified && rows.length < this.batchSize) {
            this.notified = false;
            rows = await this.readBatch(inFlight.rows);
          }
          marked = this.markPublished(inFlight.rows, inFlight.transaction);
          // Awaited before the next commit (or below); a failure before that must not count as unhandled.
          marked.catch(() => undefined);
          inFlight = undefined;
        }
        await this.updateBacklogMetrics(rows.length === 0);
        if (rows.length === 0) {
          await marked;
          await this.waitForWork();
          continue;
        }
        const transaction = ++this.transaction;
        const committed = this.publish(rows, transaction, marked);
        // Awaited in the next round (or below); this only keeps an early failure from counting as unhandled.
        committed.catch(() => undefined);
        inFlight = { rows, transaction, committed };
      }
    } finally {
      // Stopping, or failing: finish what is out. After a failure the restart's recovery marks what was committed.
      if (inFlight) {
        const { rows, transaction, committed } = inFlight;
        marked = marked.then(() => committed).then(() => this.markPublished(rows, transaction));
      }
      await marked;
    }
  }

  /**
   * The oldest unpublished rows up to the batch limits, without the rows of `exclude` (sent, not yet marked), each
   * event with its subject version written into its bytes (read with the row: no second round trip).
   */
  private async readBatch(exclude: OutboxRow[]): Promise<OutboxRow[]> {
    const ranges = rangesOf(exclude.map((row) => row.id));
    const { rows } = await this.db().query<OutboxRow & StoredPayload>(
      `select id, event_type, topic, record_key, payload, headers, version_offset, subject_version from (
         select *, sum(coalesce(octet_length(payload), 0)) over (order by id rows unbounded preceding) as bytes_through
         from regsync_outbox
         where published_at is null
           and not exists (select from unnest($3::bigint[], $4::bigint[]) as sent (first, last) where id between sent.first and sent.last)
         order by id
         limit $1
       ) as batch
       where bytes_through - coalesce(octet_length(payload), 0) < $2
       order by id`,
      [this.batchSize, this.batchBytes, ranges.map(([first]) => first), ranges.map(([, last]) => last)],
    );
    return rows.map(({ version_offset, subject_version, ...row }) => ({ ...row, payload: publishedPayload({ payload: row.payload, version_offset, subject_version }) }));
  }

  private async markPublished(rows: OutboxRow[], transaction: number): Promise<void> {
    await this.db().query(
      `with marked as (update regsync_outbox set published_at = now() where id = any($1::bigint[]))
       update regsync_producer_state set published_transaction = $2, published_at = now()`,
      [rows.map((row) => row.id), transaction],
    );
    // Dead letters and re-drive outcomes travel through the outbox too; they are no events sent (the consumer counts dead letters).
    for (const row of rows) if (row.headers[KAFKA_HEADERS.dlqReasonCode] === undefined && row.event_type !== REDRIVE_OUTCOME_RECORD_TYPE) this.options.metrics.eventsProduced.inc({ event_type: row.event_type });
  }

  /**
   * Sends `rows` and their progress marker in one Kafka transaction, and commits it once `previousMarked` is done.
   * One span per transaction, linked to the rows' creation contexts: the rows keep their own `traceparent`, so each
   * event's consumers continue the trace of the write that produced it, not the relay's.
   */
  private publish(rows: OutboxRow[], transaction: number, previousMarked: Promise<void>): Promise<void> {
    const spec = {
      name: 'regsync outbox publish',
      kind: SpanKind.PRODUCER,
      links: rows.map((row) => traceContextOf(row.headers)),
      attributes: { 'messaging.system': 'kafka', 'messaging.batch.message_count': rows.length, 'regsync.relay': this.options.relayId },
    };
    return inSpan(spec, () => this.sendInTransaction(rows, transaction, previousMarked));
  }

  private async sendInTransaction(rows: OutboxRow[], transactionNumber: number, previousMarked: Promise<void>): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const row of rows) {
      let topicMessages = byTopic.get(row.topic);
      if (!topicMessages) byTopic.set(row.topic, (topicMessages = { topic: row.topic, messages: [] }));
      // A null or empty payload is a tombstone (a subject gone from a state topic, an erased subject key, a dead letter of a record that had no value).
      topicMessages.messages.push({ key: row.record_key, value: row.payload && row.payload.length > 0 ? row.payload : null, headers: row.headers });
    }
    const marker: ProgressMarker = { ids: rangesOf(rows.map((row) => row.id)), transaction: transactionNumber, epoch: this.epoch };
    const transaction = await this.requireProducer().transaction();
    try {
      await this.sender.sendBatch(transaction, [
        ...byTopic.values(),
        { topic: this.options.progressTopic, messages: [{ key: this.options.relayId, value: JSON.stringify(marker) }] },
      ]);
      // Recovery marks only the last committed marker's rows: the previous batch must be marked before this commit.
      await previousMarked;
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  private async updateBacklogMetrics(empty: boolean): Promise<void> {
    if (empty) {
      this.options.metrics.outboxBacklog.set(0);
      this.options.metrics.outboxOldestAgeSeconds.set(0);
      return;
    }
    if (Date.now() - this.metricsUpdatedAt < 1_000) return;
    this.metricsUpdatedAt = Date.now();
    const { rows } = await this.db().query<{ backlog: string; age: number | null }>(
      'select count(*) as backlog, extract(epoch from now() - min(created_at))::float8 as age from regsync_outbox where published_at is null',
    );
    this.options.metrics.outboxBacklog.set(Number(rows[0].backlog));
    this.options.metrics.outboxOldestAgeSeconds.set(rows[0].age ?? 0);
  }

  private waitForWork(): Promise<void> {
    if (this.notified || this.stopping) return Promise.resolve();
    return this.sleep(this.pollMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async disconnect(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
    // Closing the session also releases the advisory lock.
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private db(): Client {
    if (!this.client) throw new Error('outbox relay: not connected to the database');
    return this.client;
  }

  private requireProducer(): Producer {
    if (!this.producer) throw new Error('outbox relay: producer not connected');
    return this.producer;
  }
}

function rangesOf(ids: string[]): [string, string][] {
  const sorted = ids.map(BigInt).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ranges: [bigint, bigint][] = [];
  for (const id of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && id === last[1] + 1n) last[1] = id;
    else ranges.push([id, id]);
  }
  return ranges.map(([from, to]) => [from.toString(), to.toString()]);
}

function rangeOf(from: string, to: string): string[] {
  const ids: string[] = [];
  for (let id = BigInt(from); id <= BigInt(to); id++) ids.push(id.toString());
  return ids;
}

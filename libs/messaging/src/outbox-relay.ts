import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, Producer, TopicMessages } from 'kafkajs';
import { Client, ClientConfig } from 'pg';
import { RegsyncMetrics } from '@regsync/observability/regsync-metrics';

export interface OutboxRelayOptions {
  /** Transactional id and progress-marker key, e.g. `regsync-relay.<namespace>.<app>.<instanceKey>`. */
  relayId: string;
  /** The namespaced progress topic (compacted, 1 partition). */
  progressTopic: string;
  database: ClientConfig;
  metrics: RegsyncMetrics;
  batchSize?: number;
  /** Fallback poll interval when no NOTIFY arrives. */
  pollMs?: number;
}

interface OutboxRow {
  id: string;
  event_type: string;
  topic: string;
  record_key: string;
  payload: Buffer;
  headers: Record<string, string>;
}

/** The marker value on the progress topic: the outbox ids of one committed Kafka transaction, as ranges. */
interface ProgressMarker {
  ids: [string, string][];
}

// One relay per database: every relay of every instance uses the same lock key in its own database.
const RELAY_LOCK_KEY = 7_216_042_001;
const STANDBY_RETRY_MS = 2_000;

/**
 * Publishes outbox rows in id order. Each batch goes out in ONE Kafka transaction together with a progress
 * marker naming its row ids; the rows are marked published afterwards. After a crash between the Kafka commit
 * and that update, the relay reads its last committed marker first, so a row is never published twice or
 * skipped. Per-subject order holds because a subject's rows get their ids in version order (outbox.ts).
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly batchSize: number;
  private readonly pollMs: number;
  private client?: Client;
  private producer?: Producer;
  private running?: Promise<void>;
  private stopping = false;
  private wakeUp?: () => void;
  private notified = false;
  private state: { healthy: boolean; detail: string } = { healthy: true, detail: 'starting' };
  private metricsUpdatedAt = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 1_000;
  }

  start(): void {
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

  private async run(): Promise<void> {
    let backoff = 500;
    while (!this.stopping) {
      try {
        await this.connect();
        if (!(await this.acquireLock())) break;
        this.state = { healthy: true, detail: 'recovering' };
        await this.connectProducer();
        await this.recover();
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
    client.on('notification', () => {
      this.notified = true;
      this.wakeUp?.();
    });
    this.client = client;
    await client.connect();
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

  private async connectProducer(): Promise<void> {
    this.producer = this.kafka.producer({
      transactionalId: this.options.relayId,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The coordinator answers CONCURRENT_TRANSACTIONS to the next transaction's AddPartitionsToTxn until it has written
      // the previous commit's markers (a few ms): retry that soon, not after kafkajs' default 300 ms.
      retry: { initialRetryTime: 20, retries: Number.MAX_SAFE_INTEGER },
    });
    await this.producer.connect();
    // Initialising the transactional id fences a previous incarnation and aborts its open transaction,
    // so afterwards the progress topic holds only committed markers of ours.
    const fence = await this.producer.transaction();
    await fence.abort();
  }

  private async recover(): Promise<void> {
    const marker = await this.lastCommittedMarker();
    if (!marker) return;
    const ids = marker.ids.flatMap(([from, to]) => rangeOf(from, to));
    const { rowCount } = await this.db().query('update regsync_outbox set published_at = now() where id = any($1::bigint[]) and published_at is null', [ids]);
    if (rowCount) this.logger.warn(`outbox relay ${this.options.relayId}: ${rowCount} rows were published before a crash; marked published, not sent again`);
  }

  /** Reads the progress topic (read_committed) up to its end and returns this relay's last marker. */
  private async lastCommittedMarker(): Promise<ProgressMarker | undefined> {
    const admin = this.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(this.options.progressTopic).finally(() => admin.disconnect());
    const partition = offsets.find((entry) => entry.partition === 0);
    if (!partition || partition.high === partition.low) return undefined;

    const consumer = this.kafka.consumer({ groupId: `${this.options.relayId}.recovery.${randomUUID()}`, readUncommitted: false });
    let marker: ProgressMarker | undefined;
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
                if (message.key?.toString() === this.options.relayId && message.value) marker = JSON.parse(message.value.toString()) as ProgressMarker;
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
   * Single flight: one batch at a time on the one transactional producer. A NOTIFY while a batch is out only sets
   * `notified`, so the loop reads again right after it instead of sleeping.
   */
  private async publishUntilStopped(): Promise<void> {
    while (!this.stopping) {
      this.notified = false;
      const { rows } = await this.db().query<OutboxRow>(
        'select id, event_type, topic, record_key, payload, headers from regsync_outbox where published_at is null order by id limit $1',
        [this.batchSize],
      );
      await this.updateBacklogMetrics(rows.length === 0);
      if (rows.length === 0) {
        await this.waitForWork();
        continue;
      }
      await this.publish(rows);
      await this.db().query('update regsync_outbox set published_at = now() where id = any($1::bigint[])', [rows.map((row) => row.id)]);
      for (const row of rows) this.options.metrics.eventsProduced.inc({ event_type: row.event_type });
    }
  }

  private async publish(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const row of rows) {
      let topicMessages = byTopic.get(row.topic);
      if (!topicMessages) byTopic.set(row.topic, (topicMessages = { topic: row.topic, messages: [] }));
      topicMessages.messages.push({ key: row.record_key, value: row.payload, headers: row.headers });
    }
    const marker: ProgressMarker = { ids: rangesOf(rows.map((row) => row.id)) };
    const transaction = await this.requireProducer().transaction();
    try {
      await transaction.sendBatch({
        acks: -1,
        topicMessages: [...byTopic.values(), { topic: this.options.progressTopic, messages: [{ key: this.options.relayId, value: JSON.stringify(marker) }] }],
      });
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

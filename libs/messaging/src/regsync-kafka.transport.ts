import { Inject, Injectable, Optional } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AuthorityDatabase, runAsAuthority } from '@regsync/persistence/authority-scope';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { consumerGroupOf, deadLetterTopicOf, redriveOutcomeTopicOf, subjectKeyTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { HealthChecks, StartupPhase } from '@regsync/service-runtime/service-startup';
import { BatchApplier, RecordResult } from './batch-applier';
import { deadLetterRow } from './dead-letters';
import { EventHandlers } from './event-handlers';
import { HeldEventRelease } from './held-event-release';
import { HeldEvent, SubjectSource, subjectSourceOf, unholdEvents } from './held-events';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, MessagingOptions, addresseeOf, authorityToRunAs, consumedTopics, sourceTopics } from './messaging-options';
import { MessagingStartup } from './messaging-startup';
import { OffsetCommits, PartitionOffset } from './offset-commits';
import { Outbox, OutboxRecord } from './outbox';
import { redriveOutcomeOf, redriveOutcomeRow } from './redrive-outcome';
import { RetryRoute, originalTopicOf, retryRouteOf } from './retry-topic';
import { SubjectKeyRing, keyRingGroupPrefixOf } from './subject-key-ring';

const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;
// Bounds a partition's chunk (and the work redone when one of its handlers fails) when Kafka hands out a large batch.
const MESSAGES_PER_CHUNK = 500;
// Bounds a transaction of the chunks of several partitions: their messages together, at least one chunk.
const MESSAGES_PER_TRANSACTION = 2_000;
// A group join on a new broker waits for __consumer_offsets to be created and loaded; past this, start over.
const CONSUMER_JOIN_TIMEOUT_MS = 60_000;
// How often held events are counted (metrics) and those whose predecessor is applied released (a safety net).
const HELD_SWEEP_MS = 10_000;

/**
 * NestJS transport for regsync events: decodes Confluent-framed Avro, applies each event exactly once through the
 * inbox in one database transaction per chunk of a batch, dead-letters what can never be applied (through the outbox,
 * in the same transaction), and commits the Kafka offset only after the database commit.
 */
@Injectable()
export class RegsyncKafkaTransport extends Server implements CustomTransportStrategy {
  private readonly consumerGroup: string;
  private readonly deadLetterTopic: string;
  private readonly retry: RetryRoute;
  private readonly redriveOutcomeTopic: string;
  private consumer?: Consumer;
  private closing = false;
  private closed?: Promise<void>;
  private consumerState: { healthy: boolean; detail: string } = { healthy: false, detail: 'not started' };
  private applier?: BatchApplier;
  private heldRelease?: HeldEventRelease;
  private keyRing?: SubjectKeyRing;
  private heldSweep?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  // Failed attempts per held event being released, across sweeps (its record's offset in a map of its own).
  private readonly heldAttempts = new Map<string, Map<string, number>>();
  // Per authority: the partitions' chunks waiting for the next transaction, and whether one is under way (applyTogether).
  private readonly waiting = new Map<string, { chunk: PartitionChunk; done: (outcome: ChunkOutcome) => void }[]>();
  private readonly applying = new Set<string>();
  private readonly joinPhase = new StartupPhase('consumer join', this.logger, { attemptTimeoutMs: CONSUMER_JOIN_TIMEOUT_MS });
  private readonly offsetCommits = new OffsetCommits(
    (offsets) => this.consumer?.commitOffsets(offsets) ?? Promise.resolve(),
    // The database already holds the effects; a redelivery after a rebalance is a duplicate for the inbox.
    (error, offsets) => this.logger.warn(`offset commit of ${offsets.map(({ topic, partition }) => `${topic}[${partition}]`).join(', ')} failed: ${messageOf(error)}`),
  );

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    private readonly dataSource: DataSource,
    private readonly authorityDatabase: AuthorityDatabase,
    private readonly discovery: DiscoveryService,
    private readonly metadataScanner: MetadataScanner,
    private readonly startup: MessagingStartup,
    private readonly outbox: Outbox,
    @Optional() healthChecks?: HealthChecks,
  ) {
    super();
    this.consumerGroup = consumerGroupOf(options.app, options.instanceKey, options.namespace);
    this.deadLetterTopic = deadLetterTopicOf(this.consumerGroup);
    this.retry = retryRouteOf(options);
    this.redriveOutcomeTopic = redriveOutcomeTopicOf(this.consumerGroup);
    if (options.consume !== false) healthChecks?.register('kafka-consumer', async () => this.consumerState);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Stops fetching, lets the in-flight chunk commit (database, then offsets), then disconnects. */
  close(): Promise<void> {
    this.closed ??= this.shutdown();
    return this.closed;
  }

  on(): never {
    throw new Error('RegsyncKafkaTransport does not emit events; use its health check');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('RegsyncKafkaTransport: not listening');
    return this.consumer as T;
  }

  private async start(): Promise<void> {
    if (this.options.consume === false) return;
    // The handlers are fixed once Nest has registered them, just before listen.
    const handlers = EventHandlers.discover(this.discovery, this.metadataScanner, this);
    const { admit, detectGaps, metrics } = this.options;
    this.keyRing = new SubjectKeyRing(this.kafka, sourceTopics(this.options).map(subjectKeyTopicOf), keyRingGroupPrefixOf(this.consumerGroup));
    this.applier = new BatchApplier({
      database: this.authorityDatabase,
      codec: this.codec,
      subjectKeys: this.keyRing.source,
      handlers,
      admit,
      detectGaps: detectGaps ?? false,
      holdAtGaps: true,
      retry: this.retry,
      addresseeOf: (topic, recipientAuthority) => addresseeOf(this.options, topic, recipientAuthority),
      metrics,
    });
    this.heldRelease = new HeldEventRelease({
      database: this.authorityDatabase,
      dataSource: this.dataSource,
      detectGaps: detectGaps ?? false,
      consumerGroup: this.consumerGroup,
      metrics,
      apply: (event, atGap) => this.applyHeld(event, atGap),
    });
    const topics = consumedTopics(this.options);
    if (handlers.eventTypes().length === 0) {
      this.logger.warn('no @EventPattern or @EventBatchPattern handler for any regsync event type; not consuming');
      this.consumerState = { healthy: true, detail: 'no handlers' };
      return;
    }

    if (!(await this.startup.ready())) return;
    await this.keyRing.start();
    // The first sweep learns what is held from before; its start is no reason to fail.
    await this.sweepHeld();
    this.heldSweep = setInterval(() => void this.sweepHeld(), HELD_SWEEP_MS).unref();
    this.consumerState = { healthy: false, detail: 'joining the consumer group' };
    await this.joinPhase.run((abandoned) => this.connect(topics, abandoned), () => this.closing);
  }

  /** One attempt to join the group; an abandoned attempt closes its consumer. */
  private async connect(topics: readonly string[], abandoned: AbortSignal): Promise<void> {
    // A short fetch wait keeps shutdown quick: kafkajs' stop waits for the pending fetch.
    const consumer = this.kafka.consumer({ groupId: this.consumerGroup, readUncommitted: false, maxWaitTimeInMs: 1_000 });
    // Shutdown closes whatever is connecting; an abandoned or failed attempt closes its own clients.
    this.consumer = consumer;
    const close = async () => {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
    };
    abandoned.addEventListener('abort', () => void close());
    consumer.on(consumer.events.GROUP_JOIN, () => (this.consumerState = { healthy: true, detail: 'consuming' }));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.consumerState = { healthy: false, detail: `crashed${payload.restart ? ' (restarting)' : ''}: ${payload.error.message}` };
    });
    consumer.on(consumer.events.STOP, () => (this.consumerState = { healthy: false, detail: 'stopped' }));
    // A fetch that holds only records the consumer skips (transaction markers, aborted records) never reaches
    // eachBatch; kafkajs moves its position past them but, without autoCommit, commits nothing. Commit that too.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0 && payload.firstOffset !== null) this.commitSkipped(payload.topic, payload.partition, payload.lastOffset, payload.highWatermark);
    });
    try {
      await consumer.connect();
      // A new group reads every topic from its beginning: a register is built from the whole log.
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Every partition of a topic (6) at once: while one chunk waits for the database, another is decoded and run.
        partitionsConsumedConcurrently: 6,
        eachBatch: (payload) => this.consumeBatch(payload),
      });
    } catch (error) {
      await close();
      throw error;
    }
  }

  /** Held events (hold at a gap) of this consumer: listed and released by an operator through /ops/held-subjects. */
  get held(): HeldEventRelease | undefined {
    return this.heldRelease;
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.heldSweep);
    await this.sweeping;
    // kafkajs' stop waits for the running eachBatch, which ends after committing its current chunk (database, then
    // offsets: consumeBatch waits for them when closing); offsets requested before are committed first.
    await this.offsetCommits.settled();
    await this.consumer?.stop();
    await this.consumer?.disconnect();
    await this.keyRing?.stop();
    this.consumerState = { healthy: false, detail: 'closed' };
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const stopBatchTimer = this.options.metrics.batchSeconds.startTimer();
    // Per offset, for the whole batch: failed attempts so far, and the events that failed once (see BatchApplier).
    const attempts = new Map<string, number>();
    const isolated = new Set<string>();
    let next = 0;
    // Rounds in a row without progress: the backoff grows with them, whatever the cause.
    let stalls = 0;
    while (next < batch.messages.length && isRunning() && !isStale() && !this.closing) {
      const { authority, messages } = this.nextChunk(batch, next);
      const result = await this.applyTogether(authority, { batch, messages, attempts, isolated });
      if (result.committed > 0) {
        stalls = 0;
        next += result.committed;
        // After the batch's last message come at most records the consumer skips: with transactional producers at
        // least the commit marker. Committing past them lets the group's lag reach 0 at rest.
        const last = next === batch.messages.length ? batch.lastOffset() : batch.messages[next - 1].offset;
        resolveOffset(last);
        this.commitOffset(batch.topic, batch.partition, last);
      }
      await runAsAuthority(authority, () => this.releaseFollowers(result.touched));
      if (result.retry) await this.backoff(++stalls, heartbeat);
      else await heartbeat();
    }
    const lastDone =
      next === batch.messages.length ? BigInt(batch.lastOffset()) + 1n : next > 0 ? BigInt(batch.messages[next - 1].offset) + 1n : BigInt(batch.firstOffset() ?? batch.highWatermark);
    this.options.metrics.consumerLag.set({ group: this.consumerGroup, topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - lastDone));
    // kafkajs' stop leaves the group once the running eachBatch has returned; a commit after that would fail.
    if (this.closing) await this.offsetCommits.settled();
    stopBatchTimer();
  }

  /**
   * The next chunk of a batch from `next`: up to MESSAGES_PER_CHUNK consecutive records addressed to one
   * authority. A provider's delivery topic carries the deliveries of every authority it hosts, each record naming its
   * addressee (`authorityToRunAs`); a record of the retry topic counts as read from the topic it was first read from,
   * and one that names none of the group's topics is only dead-lettered, as the group's first authority.
   */
  private nextChunk(batch: Batch, next: number): { authority: string; messages: KafkaMessage[] } {
    const header = (index: number, name: string) => headerText(batch.messages[index].headers?.[name]);
    const topicAt = (index: number) => originalTopicOf(this.retry, batch.topic, header(index, KAFKA_HEADERS.sentOnTopic));
    const authorityAt = (index: number) => authorityToRunAs(this.options, topicAt(index) ?? this.retry.sourceTopics[0] ?? batch.topic, header(index, KAFKA_HEADERS.recipientAuthority));
    const authority = authorityAt(next);
    let end = next + 1;
    const limit = Math.min(batch.messages.length, next + MESSAGES_PER_CHUNK);
    while (end < limit && authorityAt(end) === authority) end++;
    return { authority, messages: batch.messages.slice(next, end) };
  }

  /**
   * Applies `chunk` with the chunks other partitions have ready for the same authority, in one transaction (a group
   * commit): kafkajs hands each partition its batch separately, and a transaction per partition's chunk costs the
   * same round trips, whether it holds one event or hundreds. Each partition waits for its chunk's outcome before it
   * offers the next, so a partition's chunks stay in log order.
   */
  private applyTogether(authority: string, chunk: PartitionChunk): Promise<ChunkOutcome> {
    return new Promise((done) => {
      this.waiting.set(authority, [...(this.waiting.get(authority) ?? []), { chunk, done }]);
      if (this.applying.has(authority)) return;
      this.applying.add(authority);
      void this.applyWaiting(authority);
    });
  }

  /** Transactions of the waiting chunks of `authority` until none waits. */
  private async applyWaiting(authority: string): Promise<void> {
    try {
      for (;;) {
        // The other partitions of the same fetch offer their chunks in this turn of the event loop; let them join.
        await new Promise((resolve) => setImmediate(resolve));
        const taken = this.takeWaiting(authority);
        if (taken.length === 0) return;
        // Every handler call of a transaction runs as the authority its records are addressed to.
        const outcomes = await runAsAuthority(authority, () => this.applyChunks(taken.map(({ chunk }) => chunk)));
        taken.forEach(({ done }, index) => done(outcomes[index]));
      }
    } finally {
      this.applying.delete(authority);
    }
  }

  /**
   * Up to MESSAGES_PER_TRANSACTION messages of the waiting chunks, at least one chunk. Chunks that failed before go
   * last: a failure stops the transaction there (the chunks after it are offered again), and should not hold up the others.
   */
  private takeWaiting(authority: string): { chunk: PartitionChunk; done: (outcome: ChunkOutcome) => void }[] {
    const waiting = this.waiting.get(authority) ?? [];
    const failedBefore = ({ chunk }: (typeof waiting)[number]) => chunk.attempts.size > 0 || chunk.isolated.size > 0;
    const ordered = [...waiting.filter((entry) => !failedBefore(entry)), ...waiting.filter(failedBefore)];
    const taken: typeof waiting = [];
    let messages = 0;
    for (const entry of ordered) {
      if (taken.length > 0 && messages + entry.chunk.messages.length > MESSAGES_PER_TRANSACTION) break;
      taken.push(entry);
      messages += entry.chunk.messages.length;
    }
    this.waiting.set(
      authority,
      waiting.filter((entry) => !taken.includes(entry)),
    );
    return taken;
  }

  /**
   * Applies chunks in one transaction, their dead letters too (outbox rows); offsets after the commit. Per chunk:
   * `committed` counts the messages whose effects (or dead letters) are committed; `retry`: the message after them
   * failed transiently; `touched`: the subjects of the events applied or held, whose held successors may follow now.
   * A chunk after the one that stopped commits nothing and is offered again at once.
   * `held`: the one chunk is one held event being released (`atGap` 'apply': over its gap); it leaves the parking
   * table in the same transaction unless it is held again.
   */
  private async applyChunks(chunks: PartitionChunk[], held?: { event: HeldEvent; atGap?: 'apply' }): Promise<ChunkOutcome[]> {
    // Each index of the applier (through the chunks' messages in order) to its chunk and message.
    const located = chunks.flatMap((chunk) => chunk.messages.map((message) => ({ chunk, message })));
    try {
      const results = await this.applier!.applyChunk({
        parts: chunks.map(({ batch, messages, isolated }) => ({ topic: batch.topic, partition: batch.partition, messages, isolated })),
        atGap: held?.atGap,
        onFailure: async (index, { eventType, error, infrastructure }) => {
          const { chunk, message } = located[index];
          const { batch, attempts } = chunk;
          if (infrastructure) {
            // Not the event's fault: the partition waits (this batch is retried with backoff, nothing committed past it).
            this.logger.warn(`${batch.topic}[${batch.partition}]@${message.offset}: paused, infrastructure unavailable: ${messageOf(error)}`);
            return 'stop';
          }
          const attempt = (attempts.get(message.offset) ?? 0) + 1;
          attempts.set(message.offset, attempt);
          this.logger.warn(`${batch.topic}[${batch.partition}]@${message.offset}: attempt ${attempt} failed: ${messageOf(error)}`);
          // A database outage is not the message's fault: it pauses the partition instead of dead-lettering it.
          if (attempt < MAX_ATTEMPTS || !(await this.databaseReachable())) return 'stop';
          return { kind: 'rejected', eventType, code: 'retries-exhausted', reason: `failed ${attempt} times, last: ${messageOf(error)}` };
        },
        end: async (queryRunner, results) => {
          const records: OutboxRecord[] = [];
          for (const [index, result] of results.entries()) {
            if (result.kind !== 'rejected') continue;
            const { chunk, message } = located[index];
            const { batch } = chunk;
            this.logger.warn(`${batch.topic}[${batch.partition}]@${message.offset} → ${this.deadLetterTopic}: ${result.code}: ${result.reason}`);
            records.push(
              deadLetterRow(this.deadLetterTopic, message, result.eventType, {
                reasonCode: result.code,
                reason: result.reason,
                sourceTopic: batch.topic,
                sourcePartition: batch.partition,
                consumerGroup: this.consumerGroup,
                attempts: chunk.attempts.get(message.offset) ?? 1,
              }),
            );
          }
          // What became of each re-driven record, committed with its effect (or its new dead letter) or not at all.
          for (const [index, result] of results.entries()) {
            const { chunk, message } = located[index];
            if (chunk.batch.topic === this.retry.retryTopic) records.push(redriveOutcomeRow(this.redriveOutcomeTopic, redriveOutcomeOf(this.consumerGroup, chunk.batch.topic, chunk.batch.partition, message, result)));
          }
          await this.outbox.appendRecords(queryRunner.manager, records);
          if (held && !results.every((result) => result.kind === 'done' && result.outcome === 'held')) await unholdEvents(queryRunner.manager, [held.event.eventId]);
          return 'commit';
        },
      });
      this.countCommitted(results);
      let from = 0;
      return chunks.map(({ messages }) => {
        const mine = results.slice(from, from + messages.length);
        const stoppedHere = results.length >= from && results.length < from + messages.length;
        from += messages.length;
        const touched = mine.flatMap((result) => (result.kind === 'done' && result.event && ['applied', 'gap_applied', 'held'].includes(result.outcome) ? [subjectSourceOf(result.event)] : []));
        return { committed: mine.length, retry: stoppedHere, touched, results: mine };
      });
    } catch (error) {
      // Infrastructure failed (connection, commit): nothing of these chunks counts; retry them whole.
      const where = chunks.map(({ batch, messages }) => `${batch.topic}[${batch.partition}] offsets ${messages[0].offset}..`).join(', ');
      this.logger.error(`transaction of ${where} failed, retrying: ${messageOf(error)}`);
      return chunks.map(() => ({ committed: 0, retry: true, touched: [], results: [] }));
    }
  }

  /** One held event through the chunk path, as if read again where it was read first. */
  private async applyHeld(event: HeldEvent, atGap?: 'apply'): Promise<RecordResult | undefined> {
    const attempts = this.heldAttempts.get(event.eventId) ?? new Map<string, number>();
    this.heldAttempts.set(event.eventId, attempts);
    const [{ results }] = await this.applyChunks([{ batch: event, messages: [event.message], attempts, isolated: new Set([event.message.offset]) }], { event, atGap });
    if (results.length > 0) this.heldAttempts.delete(event.eventId);
    return results[0];
  }

  /** After a chunk: the held successors of the subjects it applied or held (a failure is retried by the sweep). */
  private async releaseFollowers(subjects: SubjectSource[]): Promise<void> {
    if (subjects.length === 0) return;
    try {
      await this.heldRelease!.releaseFollowers(subjects);
    } catch (error) {
      this.logger.warn(`release of held events failed, the sweep retries: ${messageOf(error)}`);
    }
  }

  private async sweepHeld(): Promise<void> {
    if (this.sweeping || this.closing) return;
    this.sweeping = this.heldRelease!.sweep()
      .catch((error: unknown) => this.logger.warn(`sweep of held events failed: ${messageOf(error)}`))
      .finally(() => (this.sweeping = undefined));
    await this.sweeping;
  }

  private countCommitted(results: RecordResult[]): void {
    const { metrics } = this.options;
    const committedAt = Date.now();
    for (const result of results) {
      if (result.kind === 'rejected') {
        metrics.deadLetters.inc({ reason_code: result.code });
        continue;
      }
      if (result.kind !== 'done' || !result.eventType || result.outcome === 'filtered') continue;
      metrics.eventsApplied.inc({ event_type: result.eventType, outcome: result.outcome });
      if ((result.outcome === 'applied' || result.outcome === 'gap_applied') && result.event) metrics.eventLatencySeconds.observe(Math.max(0, committedAt - result.event.envelope.occurredAt.getTime()) / 1000);
      if (result.outcome === 'held' && result.event) {
        this.heldRelease?.noteHeld();
        const { subject, source, subjectVersion, eventId } = result.event.envelope;
        this.logger.warn(`held at a gap: ${subject.kind} ${subject.id} from ${source.instanceKey}/${source.register} v${subjectVersion} (${result.eventType} ${eventId}), applied so far: ${result.previousVersion ?? 'none'}`);
      }
      if (result.outcome === 'gap_applied' && result.event) {
        metrics.versionGaps.inc({ event_type: result.eventType });
        const { subject, source, subjectVersion, eventId } = result.event.envelope;
        this.logger.warn(
          `version gap: ${subject.kind} ${subject.id} from ${source.instanceKey}/${source.register}: last seen ${result.previousVersion ?? 'none'}, received ${subjectVersion} (${result.eventType} ${eventId})`,
        );
      }
    }
  }

  /** After the database commit of everything up to `offset`; sent off the apply path (OffsetCommits). */
  private commitOffset(topic: string, partition: number, offset: string): void {
    const next: PartitionOffset = { topic, partition, offset: (BigInt(offset) + 1n).toString() };
    this.offsetCommits.request(next);
  }

  /**
   * Commits past a fetch of skipped records only (`lastOffset` is its last record). kafkajs hands a partition its
   * next fetch only after the previous batch was handled, and with read_committed a fetch ends at the last stable
   * offset, so nothing before `lastOffset` is left to apply and no open transaction's record is passed over.
   */
  private commitSkipped(topic: string, partition: number, lastOffset: string, highWatermark: string): void {
    if (this.closing) return;
    this.commitOffset(topic, partition, lastOffset);
    this.options.metrics.consumerLag.set({ group: this.consumerGroup, topic, partition: String(partition) }, Number(BigInt(highWatermark) - BigInt(lastOffset) - 1n));
  }

  private async backoff(attempt: number, heartbeat: () => Promise<void>): Promise<void> {
    let remaining = Math.min(FIRST_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    while (remaining > 0 && !this.closing) {
      const slice = Math.min(remaining, 1_000);
      await new Promise((resolve) => setTimeout(resolve, slice));
      remaining -= slice;
      await heartbeat().catch(() => undefined);
    }
  }

  private async databaseReachable(): Promise<boolean> {
    try {
      await this.dataSource.query('select 1');
      return true;
    } catch {
      return false;
    }
  }
}

/** Consecutive records of one partition's batch, with what its consumer knows of their failures so far. */
interface PartitionChunk {
  batch: Pick<Batch, 'topic' | 'partition'>;
  messages: KafkaMessage[];
  /** Failed attempts per offset, for the whole batch. */
  attempts: Map<string, number>;
  /** Offsets that failed once (see BatchApplier). */
  isolated: Set<string>;
}

interface ChunkOutcome {
  committed: number;
  retry: boolean;
  touched: SubjectSource[];
  results: RecordResult[];
}

function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

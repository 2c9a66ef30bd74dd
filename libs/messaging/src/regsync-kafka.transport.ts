import { Inject, Injectable, Optional } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Batch, Consumer, EachBatchPayload, Kafka, KafkaMessage, Message, Partitioners, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource, QueryRunner } from 'typeorm';
import { EventCodec, EventDecodeError, EventEncodeError } from '@regsync/contracts/event-codec';
import { EVENT_TOPICS, TopicDefinition, consumerGroupOf, deadLetterTopicOf, namespaced } from '@regsync/contracts/topic-catalog';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { HealthChecks } from '@regsync/service-runtime/health-checks';
import { deadLetterRecord } from './dead-letters';
import { EventRejectedError } from './event-rejected-error';
import { HandlerFailure } from './handler-failure.interceptor';
import { recordInInbox } from './inbox';
import { KAFKA_HEADERS, headerText } from './kafka-headers';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, MessagingOptions } from './messaging-options';
import { RegsyncEventContext } from './regsync-event-context';
import { runInTraceContext } from './trace-context';

type MessageResult = { kind: 'done' } | { kind: 'dead'; code: string; reason: string } | { kind: 'transient'; error: unknown };

interface ChunkResult {
  /** Index after the last message whose effects (or dead letter) are committed. */
  committedUntil: number;
  /** The message that failed transiently; it is retried after a backoff. */
  retryAt?: number;
}

const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 5_000;
// Keeps transactions (and their savepoints) short even when Kafka hands out a large batch.
const MESSAGES_PER_TRANSACTION = 250;

/**
 * NestJS transport for regsync events: decodes Confluent-framed Avro, applies each event exactly once through the
 * inbox in one database transaction per chunk of a batch, dead-letters what can never be applied, and commits the
 * Kafka offset only after the database commit.
 */
@Injectable()
export class RegsyncKafkaTransport extends Server implements CustomTransportStrategy {
  private readonly consumerGroup: string;
  private readonly deadLetterTopic: string;
  private consumer?: Consumer;
  private deadLetterProducer?: Producer;
  private closing = false;
  private closed?: Promise<void>;
  private consumerState: { healthy: boolean; detail: string } = { healthy: false, detail: 'not started' };

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    private readonly dataSource: DataSource,
    @Optional() healthChecks?: HealthChecks,
  ) {
    super();
    this.consumerGroup = consumerGroupOf(options.app, options.instanceKey, options.namespace);
    this.deadLetterTopic = deadLetterTopicOf(this.consumerGroup);
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
    const handled = new Set(this.messageHandlers.keys());
    const topics = Object.values(EVENT_TOPICS)
      .filter((topic: TopicDefinition) => topic.eventTypes.some((eventType) => handled.has(eventType)))
      .map((topic) => namespaced(topic.name, this.options.namespace));
    if (topics.length === 0) {
      this.logger.warn('no @EventPattern handler for any regsync event type; not consuming');
      this.consumerState = { healthy: true, detail: 'no handlers' };
      return;
    }

    this.deadLetterProducer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await this.deadLetterProducer.connect();

    // A short fetch wait keeps shutdown quick: kafkajs' stop waits for the pending fetch.
    const consumer = this.kafka.consumer({ groupId: this.consumerGroup, readUncommitted: false, maxWaitTimeInMs: 1_000 });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => (this.consumerState = { healthy: true, detail: 'consuming' }));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.consumerState = { healthy: false, detail: `crashed${payload.restart ? ' (restarting)' : ''}: ${payload.error.message}` };
    });
    consumer.on(consumer.events.STOP, () => (this.consumerState = { healthy: false, detail: 'stopped' }));
    await consumer.connect();
    // A new group reads every topic from its beginning: a register is built from the whole log.
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  private async shutdown(): Promise<void> {
    this.closing = true;
    // kafkajs' stop waits for the running eachBatch, which ends after committing its current chunk.
    await this.consumer?.stop();
    await this.consumer?.disconnect();
    await this.deadLetterProducer?.disconnect();
    this.consumerState = { healthy: false, detail: 'closed' };
  }

  private async consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const stopBatchTimer = this.options.metrics.batchSeconds.startTimer();
    const attempts = new Map<number, number>();
    let next = 0;
    while (next < batch.messages.length && isRunning() && !isStale() && !this.closing) {
      const result = await this.applyChunk(batch, next, Math.min(next + MESSAGES_PER_TRANSACTION, batch.messages.length), attempts);
      if (result.committedUntil > next) {
        const last = batch.messages[result.committedUntil - 1];
        resolveOffset(last.offset);
        await this.commitOffset(batch, last.offset);
        next = result.committedUntil;
      }
      if (result.retryAt !== undefined) await this.backoff(attempts.get(result.retryAt) ?? 1, heartbeat);
      else await heartbeat();
    }
    const lastDone = next > 0 ? BigInt(batch.messages[next - 1].offset) + 1n : BigInt(batch.firstOffset() ?? batch.highWatermark);
    this.options.metrics.consumerLag.set({ group: this.consumerGroup, topic: batch.topic, partition: String(batch.partition) }, Number(BigInt(batch.highWatermark) - lastDone));
    stopBatchTimer();
  }

  /** Applies messages [from, to) in one transaction; dead letters go out before the commit, offsets after it. */
  private async applyChunk(batch: Batch, from: number, to: number, attempts: Map<number, number>): Promise<ChunkResult> {
    const queryRunner = this.dataSource.createQueryRunner();
    const deadLetters: Message[] = [];
    try {
      await queryRunner.connect();
      await queryRunner.startTransaction();
      let index = from;
      let retryAt: number | undefined;
      for (; index < to; index++) {
        const message = batch.messages[index];
        let result = await this.applyMessage(queryRunner, batch, message);
        if (result.kind === 'transient') {
          const attempt = (attempts.get(index) ?? 0) + 1;
          attempts.set(index, attempt);
          this.logger.warn(`${batch.topic}[${batch.partition}]@${message.offset}: attempt ${attempt} failed: ${(result.error as Error)?.message ?? result.error}`);
          // A database outage is not the message's fault: it pauses the partition instead of dead-lettering it.
          if (attempt < MAX_ATTEMPTS || !(await this.databaseReachable())) {
            retryAt = index;
            break;
          }
          result = { kind: 'dead', code: 'retries-exhausted', reason: `failed ${attempt} times, last: ${(result.error as Error)?.message ?? String(result.error)}` };
        }
        if (result.kind === 'dead') {
          this.logger.warn(`${batch.topic}[${batch.partition}]@${message.offset} → ${this.deadLetterTopic}: ${result.code}: ${result.reason}`);
          deadLetters.push(
            deadLetterRecord(message, {
              reasonCode: result.code,
              reason: result.reason,
              sourceTopic: batch.topic,
              sourcePartition: batch.partition,
              consumerGroup: this.consumerGroup,
              attempts: attempts.get(index) ?? 1,
            }),
          );
        }
      }
      if (deadLetters.length > 0) {
        await this.requireDeadLetterProducer().send({ topic: this.deadLetterTopic, acks: -1, messages: deadLetters });
      }
      await queryRunner.commitTransaction();
      for (const record of deadLetters) this.options.metrics.deadLetters.inc({ reason_code: headerText(record.headers?.[KAFKA_HEADERS.dlqReasonCode]) ?? 'unknown' });
      return { committedUntil: index, retryAt };
    } catch (error) {
      // Infrastructure failed (connection, commit, dead-letter topic): nothing of this chunk counts; retry it whole.
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
      this.logger.error(`${batch.topic}[${batch.partition}]: transaction of offsets ${batch.messages[from].offset}.. failed, retrying: ${(error as Error).message}`);
      return { committedUntil: from, retryAt: from };
    } finally {
      await queryRunner.release().catch(() => undefined);
    }
  }

  private async applyMessage(queryRunner: QueryRunner, batch: Batch, message: KafkaMessage): Promise<MessageResult> {
    let decoded;
    try {
      decoded = await this.codec.decode(message.value);
    } catch (error) {
      return error instanceof EventDecodeError ? { kind: 'dead', code: 'undecodable', reason: error.message } : { kind: 'transient', error };
    }
    const { eventType, event } = decoded;
    this.options.metrics.eventsConsumed.inc({ event_type: eventType, topic: batch.topic });

    let admission;
    try {
      admission = this.options.admit(event);
    } catch (error) {
      return this.classify(error);
    }
    if (admission.kind === 'reject') return { kind: 'dead', code: admission.code, reason: admission.reason };
    const handler = this.getHandlerByPattern(eventType);
    if (admission.kind === 'ignore' || !handler) {
      this.options.metrics.eventsApplied.inc({ event_type: eventType, outcome: 'irrelevant' });
      return { kind: 'done' };
    }

    // Rolling back to this savepoint undoes one event's inbox row and handler writes, keeping the rest of the chunk.
    await queryRunner.query('savepoint regsync_event');
    try {
      const { outcome, previousVersion } = await recordInInbox(queryRunner.manager, { event, topic: batch.topic, partition: batch.partition, offset: message.offset });
      if (outcome === 'gap_applied') {
        this.options.metrics.versionGaps.inc({ event_type: eventType });
        const { subject, source, subjectVersion } = event.envelope;
        this.logger.warn(
          `version gap: ${subject.kind} ${subject.id} from ${source.instanceKey}/${source.register}: applied ${previousVersion ?? 'none'}, received ${subjectVersion} (${eventType} ${event.envelope.eventId})`,
        );
      }
      if (outcome === 'applied' || outcome === 'gap_applied') {
        const traceparent = headerText(message.headers?.[KAFKA_HEADERS.traceparent]);
        const context = new RegsyncEventContext(queryRunner.manager, admission, batch.topic, batch.partition, message.offset, message.headers ?? {}, traceparent, event.envelope.correlationId);
        const stopTimer = this.options.metrics.handlerSeconds.startTimer({ event_type: eventType });
        const result = await runInTraceContext(traceparent, async () => lastValueFrom(this.transformToObservable(await handler(admission.event, context)), { defaultValue: undefined }));
        stopTimer();
        if (result instanceof HandlerFailure) throw result.error;
      }
      await queryRunner.query('release savepoint regsync_event');
      this.options.metrics.eventsApplied.inc({ event_type: eventType, outcome });
      return { kind: 'done' };
    } catch (error) {
      // If even this fails the connection is gone; applyChunk then retries the whole chunk.
      await queryRunner.query('rollback to savepoint regsync_event');
      return this.classify(error);
    }
  }

  private classify(error: unknown): MessageResult {
    if (error instanceof EventRejectedError) return { kind: 'dead', code: error.code, reason: error.reason };
    if (error instanceof DomainValidationError || error instanceof EventEncodeError) return { kind: 'dead', code: 'invalid', reason: error.message };
    return { kind: 'transient', error };
  }

  private async commitOffset(batch: Batch, offset: string): Promise<void> {
    try {
      await this.consumer?.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() }]);
    } catch (error) {
      // The database already holds the effects; a redelivery after a rebalance is a duplicate for the inbox.
      this.logger.warn(`${batch.topic}[${batch.partition}]: offset commit failed: ${(error as Error).message}`);
    }
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

  private requireDeadLetterProducer(): Producer {
    if (!this.deadLetterProducer) throw new Error('RegsyncKafkaTransport: dead-letter producer not connected');
    return this.deadLetterProducer;
  }
}

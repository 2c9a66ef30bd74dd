import { SpanKind } from '@opentelemetry/api';
import { KafkaMessage } from 'kafkajs';
import { QueryRunner } from 'typeorm';
import { EventCodec, EventDecodeError, EventEncodeError, SubjectKeyErasedError, SubjectKeySource } from '@regsync/contracts/event-encoding';
import type { SubjectKey } from '@regsync/contracts/event-encoding';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { EventRejectedError } from './event-rejected-error';
import { EventHandlers, EventHandlersOfType } from './event-handlers';
import { handlerGroups } from './handler-groups';
import { isInfrastructureFault } from './infrastructure-fault';
import { deliveredAfterOf, holdEvents } from './held-events';
import { GapRule, InboxEntry, InboxOutcome, InboxResult, recordAllInInbox, recordInInbox } from './inbox';
import { KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { reasonWithoutContent } from './dead-letters';
import { Admission, ReceivedRecord } from './messaging-options';
import { RegsyncBatchContext } from './regsync-batch-context';
import { RegsyncEventContext } from './regsync-event-context';
import { RetryRoute, originalTopicOf } from './retry-topic';
import { inSpan, traceContextOf } from './trace-context';

/** `irrelevant`: admit ignored it or no handler; `filtered`: not selected by the caller (replay --event-type / --subject). */
/** `erased`: sealed with the key of a subject that has been erased since: skipped, counted, never dead-lettered. */
export type AppliedOutcome = InboxOutcome | 'irrelevant' | 'filtered' | 'erased';

/** What became of one record of a chunk. */
export type RecordResult =
  | {
      kind: 'done';
      outcome: AppliedOutcome;
      eventType?: string;
      event?: RegsyncEvent;
      previousVersion?: number | null;
    }
  /** Permanent: can never be applied (undecodable, rejected by admit or handler). */
  | { kind: 'rejected'; eventType: string; code: string; reason: string }
  /**
   * Transient: may succeed later. `infrastructure`: the registry, database or broker is unavailable, or the event type
   * is newer than this service (isInfrastructureFault): wait for it, never dead-letter; else a handler fault.
   */
  | { kind: 'failed'; eventType: string; error: unknown; infrastructure: boolean };

export interface BatchApplierOptions {
  /** Each chunk's transaction runs as the current authority (the caller's runAsAuthority). */
  database: AuthorityDatabase;
  codec: EventCodec;
  /** Where sealed events' subject keys are found (the key topics of the topics read, SubjectKeyRing). */
  subjectKeys?: SubjectKeySource;
  /** The app's `@EventPattern` and `@EventBatchPattern` handlers. */
  handlers: Pick<EventHandlers, 'of'>;
  admit: (event: RegsyncEvent, record: ReceivedRecord) => Admission;
  /** See MessagingOptions.detectGaps. */
  detectGaps: boolean;
  /** Hold an event at a gap (the live consumer) instead of applying it over the gap (the replay): see GapRule. */
  holdAtGaps?: boolean;
  /** The consumer group's retry topic: its records are judged as read from the topic they were first read from. */
  retry?: RetryRoute;
  /**
   * The authority a record read from `topic` is addressed to (messaging-options.ts `addresseeOf`); one addressed to
   * another authority than the chunk runs as is dead-lettered ('not-addressed'), never applied. Absent: the replay,
   * which runs every record as its target.
   */
  addresseeOf?: (topic: string, recipientAuthority: string | undefined) => string;
  metrics?: RegsyncMetrics;
}

/** Consecutive records of one partition, in log order. */
export interface ChunkPart {
  topic: string;
  partition: number;
  messages: readonly KafkaMessage[];
  /** Offsets known to fail; each of them gets a savepoint of its own. The applier adds those it finds. */
  isolated?: Set<string>;
}

export interface ChunkOptions {
  /**
   * Applied in one transaction, in this order; the index of `onFailure`, `end` and the results counts through the
   * parts' messages one after the other. A subject's events are in one partition, so its order is the partition's.
   */
  parts: readonly ChunkPart[];
  /**
   * Decides a transient failure of `messages[index]` (called once per index and chunk): a final result (e.g. a
   * dead letter once retries are exhausted) to go on with, or 'stop' to commit what came before it and stop there.
   */
  onFailure: (index: number, failure: Extract<RecordResult, { kind: 'failed' }>) => Promise<RecordResult | 'stop'>;
  /** Selection before decoding and after it; an unselected record is `filtered`. */
  selectRecord?: (message: KafkaMessage) => boolean;
  selectEvent?: (event: RegsyncEvent) => boolean;
  /** First statements of the chunk's transaction, with every decoded event (those `selectEvent` filtered out too). */
  begin?: (queryRunner: QueryRunner, events: RegsyncEvent[]) => Promise<void>;
  /** Last statements before the commit; 'rollback' ends the transaction without effects (dry run). */
  end?: (queryRunner: QueryRunner, results: RecordResult[]) => Promise<'commit' | 'rollback'>;
  /** 'apply': apply over a gap what would be held (an operator's release of held events). */
  atGap?: 'apply';
}

interface PreparedRecord {
  message: KafkaMessage;
  topic: string;
  partition: number;
  /** The offsets of its partition that get a savepoint each (ChunkPart.isolated). */
  isolated: Set<string>;
  /** Settled before the transaction: filtered, undecodable, rejected or ignored by admit, no handler, or failed. */
  settled?: RecordResult;
  event?: RegsyncEvent;
  eventType?: string;
  subjectKey?: SubjectKey;
  admission?: Extract<Admission, { kind: 'apply' }>;
  handlers?: EventHandlersOfType;
  /** The delivery's stamp (KAFKA_HEADERS.previousDeliveredVersion), read where the applier holds at gaps. */
  deliveredAfter?: number;
}

/** The optimistic run of records [indices] failed; they are run again, each in a savepoint of its own. */
class FastPathFailed extends Error {
  constructor(readonly indices: number[]) {
    super('fast path failed');
  }
}

// After this many optimistic runs of one chunk failed, the rest of the chunk runs with a savepoint per event.
const MAX_OPTIMISTIC_RUNS = 3;

/**
 * The apply path of every event a register consumes, live (RegsyncKafkaTransport) and replayed (ReplayApplier):
 * decode, `admit`, inbox (duplicates and stale versions are no-ops; at a gap an event is held, parked in the
 * transaction, or applied and returned where the applier does not hold), then the app's
 * handler with the chunk's transaction, one transaction per chunk.
 *
 * Optimistic: a run of events is recorded in the inbox in two round trips and their handlers run without savepoints;
 * new events go to their handlers grouped by handler (handlerGroups: each subject's events in log order, different
 * subjects' events sharing groups), a group of an `@EventBatchPattern` handler in one call.
 * When a handler throws, the transaction is rolled back and the chunk runs again with that event (for a batch
 * handler: every event of that call) in a savepoint of its own (`recordInInbox`, as one event at a time), so its
 * effects can be undone alone while the others apply: the outcome is the same as with a savepoint per event, at a
 * fraction of the round trips. Handlers may therefore run more than once for one event; only their writes in the
 * transaction count.
 */
export class BatchApplier {
  constructor(private readonly options: BatchApplierOptions) {}

  /** Applies a chunk in one transaction; returns the results of the records committed (all of them, unless stopped). */
  async applyChunk(chunk: ChunkOptions): Promise<RecordResult[]> {
    const records = (
      await Promise.all(
        chunk.parts.map((part) => {
          const isolated = part.isolated ?? new Set<string>();
          return Promise.all(part.messages.map((message) => this.prepare(message, part, isolated, chunk)));
        }),
      )
    ).flat();
    const decided = new Map<number, RecordResult | 'stop'>();
    const onFailure = async (index: number, failure: Extract<RecordResult, { kind: 'failed' }>) => {
      if (!decided.has(index)) decided.set(index, await chunk.onFailure(index, failure));
      return decided.get(index)!;
    };
    for (let run = 1; ; run++) {
      const queryRunner = this.options.database.createQueryRunner();
      try {
        await this.options.database.begin(queryRunner);
        await chunk.begin?.(queryRunner, records.flatMap((record) => (record.event ? [record.event] : [])));
        const results = await this.run(queryRunner, chunk, records, onFailure);
        if ((await chunk.end?.(queryRunner, results)) === 'rollback') await queryRunner.rollbackTransaction();
        else await queryRunner.commitTransaction();
        return results;
      } catch (error) {
        if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
        if (!(error instanceof FastPathFailed)) throw error;
        const again = run < MAX_OPTIMISTIC_RUNS ? error.indices : records.map((_, index) => index);
        for (const index of again) records[index].isolated.add(records[index].message.offset);
      } finally {
        await queryRunner.release().catch(() => undefined);
      }
    }
  }

  private async run(
    queryRunner: QueryRunner,
    chunk: ChunkOptions,
    records: PreparedRecord[],
    onFailure: (index: number, failure: Extract<RecordResult, { kind: 'failed' }>) => Promise<RecordResult | 'stop'>,
  ): Promise<RecordResult[]> {
    const results: RecordResult[] = [];
    let index = 0;
    while (index < records.length) {
      const record = records[index];
      if (record.settled?.kind !== 'failed' && !isIsolated(record)) {
        // A run of records up to the next failed or isolated one, without savepoints.
        let end = index + 1;
        while (end < records.length && records[end].settled?.kind !== 'failed' && !isIsolated(records[end])) end++;
        results.push(...(await this.runOptimistically(queryRunner, chunk, records, index, end)));
        index = end;
        continue;
      }
      let result = record.settled ?? (await this.applyIsolated(queryRunner, chunk, record));
      if (result.kind === 'failed') {
        const decision = await onFailure(index, result);
        if (decision === 'stop') return results;
        result = decision;
      }
      // A handler's refusal of a sealed event (or its last failure) quotes none of its content in the dead letter.
      if (result.kind === 'rejected' && !record.settled && record.subjectKey && record.event) result = { ...result, reason: reasonWithoutContent(result.reason, record.event) };
      results.push(result);
      index++;
    }
    return results;
  }

  /** Records [from, to) in the inbox at once and runs their handlers; any failure throws FastPathFailed. */
  private async runOptimistically(queryRunner: QueryRunner, chunk: ChunkOptions, records: PreparedRecord[], from: number, to: number): Promise<RecordResult[]> {
    const toApply = records.slice(from, to).flatMap((record, offset) => (record.settled ? [] : [from + offset]));
    let inbox: InboxResult[] | undefined;
    try {
      inbox = toApply.length > 0 ? await recordAllInInbox(queryRunner.manager, toApply.map((index) => this.inboxEntry(records[index])), this.gapRule(chunk)) : [];
    } catch {
      // e.g. an eventId that is no uuid: one at a time, the bad event fails alone.
      inbox = undefined;
    }
    if (!inbox) throw new FastPathFailed(toApply);
    const decided = inbox;
    await holdEvents(
      queryRunner.manager,
      toApply.flatMap((index, position) => (decided[position].outcome === 'held' ? [this.heldEntry(records[index])] : [])),
    );

    const results: RecordResult[] = records.slice(from, to).map((record) => record.settled ?? { kind: 'done', outcome: 'duplicate' });
    // Stale and duplicate events run nothing.
    const newEvents: { index: number; inbox: InboxResult }[] = [];
    for (const [position, index] of toApply.entries()) {
      const record = records[index];
      const { outcome, previousVersion } = inbox[position];
      results[index - from] = { kind: 'done', outcome, eventType: record.eventType, event: record.event, previousVersion };
      if (isNew(outcome)) newEvents.push({ index, inbox: inbox[position] });
    }
    const groups = handlerGroups(
      newEvents.map(({ index }) => {
        const { event, handlers } = records[index] as Required<PreparedRecord>;
        return { subject: `${event.envelope.subject.kind}:${event.envelope.subject.id}`, handler: handlers.batch ?? handlers.each };
      }),
    );
    for (const group of groups) {
      if (records[newEvents[group[0]].index].handlers?.batch) {
        await this.handleBatch(queryRunner, records, group.map((position) => newEvents[position].index));
        continue;
      }
      for (const { index, inbox: decision } of group.map((position) => newEvents[position])) {
        try {
          await this.handle(queryRunner, records[index], decision);
        } catch {
          throw new FastPathFailed([index]);
        }
      }
    }
    return results;
  }

  /** New events [indices] of one batch handler, in order, to it in one call; a failure throws FastPathFailed for all of them. */
  private async handleBatch(queryRunner: QueryRunner, records: PreparedRecord[], indices: number[]): Promise<void> {
    const prepared = indices.map((index) => records[index] as Required<PreparedRecord>);
    const { eventType, handlers } = prepared[0];
    const context = new RegsyncBatchContext(
      queryRunner.manager,
      prepared.map((record) => this.eventContext(queryRunner, record)),
    );
    const mixed = prepared.some((record) => record.eventType !== eventType);
    const stopTimer = this.options.metrics?.handlerSeconds.startTimer({ event_type: mixed ? 'mixed' : eventType });
    // One span per call, not per event: a child of the first event's trace, linked to the others'.
    const contexts = prepared.map((record) => traceContextOf(record.message.headers ?? {}));
    const span = { ...handlerSpan(eventType, prepared[0], prepared.length), parent: contexts[0], links: contexts.slice(1) };
    try {
      await inSpan(span, () =>
        handlers.batch!(
          prepared.map((record) => record.admission.event),
          context,
        ),
      );
    } catch {
      throw new FastPathFailed(indices);
    }
    stopTimer?.();
  }

  /** One event in a savepoint of its own: on failure only its inbox row and writes are undone. */
  private async applyIsolated(queryRunner: QueryRunner, chunk: ChunkOptions, record: PreparedRecord): Promise<RecordResult> {
    await queryRunner.query('savepoint regsync_event');
    try {
      const inbox = await recordInInbox(queryRunner.manager, this.inboxEntry(record), this.gapRule(chunk));
      if (inbox.outcome === 'held') await holdEvents(queryRunner.manager, [this.heldEntry(record)]);
      const result = await this.handle(queryRunner, record, inbox);
      await queryRunner.query('release savepoint regsync_event');
      return result;
    } catch (error) {
      // If even this fails the connection is gone; the caller then retries the whole chunk.
      await queryRunner.query('rollback to savepoint regsync_event');
      return failureOf(record.eventType ?? '?', error);
    }
  }

  /**
   * Calls the handler when the inbox says the event is new: the `@EventPattern` one, else the batch handler with this
   * event alone; throws what the handler threw.
   */
  private async handle(queryRunner: QueryRunner, record: PreparedRecord, { outcome, previousVersion }: InboxResult): Promise<RecordResult> {
    const { event, eventType, admission, handlers } = record as Required<PreparedRecord>;
    if (isNew(outcome)) {
      const context = this.eventContext(queryRunner, record);
      const stopTimer = this.options.metrics?.handlerSeconds.startTimer({ event_type: eventType });
      // The handler continues the trace of the write that produced the event (its outbox appends too).
      await inSpan({ ...handlerSpan(eventType, record, 1), parent: traceContextOf(record.message.headers ?? {}) }, async () =>
        handlers.each ? handlers.each(admission.event, context) : handlers.batch!([admission.event], new RegsyncBatchContext(queryRunner.manager, [context])),
      );
      stopTimer?.();
    }
    return { kind: 'done', outcome, eventType, event, previousVersion };
  }

  private eventContext(queryRunner: QueryRunner, record: PreparedRecord): RegsyncEventContext {
    const { message, event, admission, subjectKey, topic, partition } = record as Required<PreparedRecord>;
    const traceparent = headerText(message.headers?.[KAFKA_HEADERS.traceparent]);
    return new RegsyncEventContext(queryRunner.manager, admission, topic, partition, message.offset, message.headers ?? {}, traceparent, event.envelope.correlationId, subjectKey);
  }

  private inboxEntry({ event, message, topic, partition, deliveredAfter }: PreparedRecord): InboxEntry {
    return { event: event!, topic, partition, offset: message.offset, deliveredAfter };
  }

  private heldEntry({ event, message, topic, partition, deliveredAfter }: PreparedRecord) {
    return { event: event!, topic, partition, message, deliveredAfter };
  }

  /** Only a delivery stream carries the router's stamp; a sender's own stream (read by the router) cannot claim one. */
  private get readsStamps(): boolean {
    return Boolean(this.options.holdAtGaps) && !this.options.detectGaps;
  }

  private gapRule(chunk: ChunkOptions): GapRule {
    return { detectGaps: this.options.detectGaps, atGap: chunk.atGap ?? (this.options.holdAtGaps ? 'hold' : 'apply') };
  }

  /** Decode and `admit`, outside the transaction. */
  private async prepare(message: KafkaMessage, { topic, partition }: ChunkPart, isolated: Set<string>, chunk: ChunkOptions): Promise<PreparedRecord> {
    const read = { message, topic, partition, isolated };
    if (chunk.selectRecord && !chunk.selectRecord(message)) return { ...read, settled: { kind: 'done', outcome: 'filtered' } };
    const headerType = headerText(message.headers?.[KAFKA_HEADERS.eventType]) ?? '?';
    let decoded;
    try {
      const keys = this.options.subjectKeys;
      const sentAt = Number(message.timestamp);
      decoded = await this.options.codec.decode(message.value, keys && ((keyId) => keys(keyId, sentAt)));
    } catch (error) {
      if (error instanceof SubjectKeyErasedError) return { ...read, settled: { kind: 'done', outcome: 'erased', eventType: error.envelope.eventType } };
      return { ...read, settled: error instanceof EventDecodeError ? { kind: 'rejected', eventType: headerType, code: 'undecodable', reason: error.message } : failureOf(headerType, error) };
    }
    const { eventType, event, subjectKey } = decoded;
    this.options.metrics?.eventsConsumed.inc({ event_type: eventType, topic });
    // Kept with its event: `begin` sees every selected record's event (the replay restores version counters from them).
    if (chunk.selectEvent && !chunk.selectEvent(event)) return { ...read, event, settled: { kind: 'done', outcome: 'filtered', eventType } };

    const header = (name: string) => headerText(message.headers?.[name]);
    const sentOnTopic = header(KAFKA_HEADERS.sentOnTopic);
    const receivedFrom = originalTopicOf(this.options.retry, topic, sentOnTopic);
    if (receivedFrom === undefined) {
      return { ...read, event, eventType, settled: { kind: 'rejected', eventType, code: 'source-mismatch', reason: `${KAFKA_HEADERS.sentOnTopic}: ${sentOnTopic ?? 'missing'} is no topic this consumer group reads` } };
    }
    const addressee = this.options.addresseeOf?.(receivedFrom, header(KAFKA_HEADERS.recipientAuthority));
    if (addressee !== undefined && addressee !== currentAuthority()) {
      return { ...read, event, eventType, settled: { kind: 'rejected', eventType, code: 'not-addressed', reason: `${KAFKA_HEADERS.recipientAuthority}: ${addressee} is no authority this process hosts` } };
    }
    let admission: Admission;
    try {
      admission = this.options.admit(event, { topic: receivedFrom, recipientRegister: header(KAFKA_HEADERS.recipientRegister) });
    } catch (error) {
      return { ...read, event, eventType, settled: failureOf(eventType, error) };
    }
    if (admission.kind === 'reject') {
      // A sealed event's content stays sealed: its dead letter's reason (in the clear) quotes none of it.
      const reason = subjectKey ? reasonWithoutContent(admission.reason, event) : admission.reason;
      return { ...read, event, eventType, settled: { kind: 'rejected', eventType, code: admission.code, reason } };
    }
    const handlers = this.options.handlers.of(eventType);
    // Nothing is written about an event this instance does not apply: no inbox row, no version.
    if (admission.kind === 'ignore' || !handlers) return { ...read, event, eventType, settled: { kind: 'done', outcome: 'irrelevant', eventType, event } };
    return { ...read, event, eventType, subjectKey, admission, handlers, deliveredAfter: this.readsStamps ? deliveredAfterOf(message) : undefined };
  }
}

/** A batch handler's call may span partitions: its span names the first event's. */
function handlerSpan(eventType: string, { topic, partition }: Pick<PreparedRecord, 'topic' | 'partition'>, count: number) {
  return {
    name: `regsync handle ${eventType}`,
    kind: SpanKind.CONSUMER,
    attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.destination.partition.id': String(partition), 'messaging.batch.message_count': count },
  };
}

function isIsolated(record: PreparedRecord): boolean {
  return record.isolated.has(record.message.offset);
}

function isNew(outcome: InboxOutcome): boolean {
  return outcome === 'applied' || outcome === 'gap_applied';
}

/** The split every consumer of events makes: these errors can never succeed on a retry, all others may. */
export function failureOf(eventType: string, error: unknown): Extract<RecordResult, { kind: 'rejected' | 'failed' }> {
  if (error instanceof EventRejectedError) return { kind: 'rejected', eventType, code: error.code, reason: error.reason };
  if (error instanceof DomainValidationError || error instanceof EventEncodeError) return { kind: 'rejected', eventType, code: 'invalid', reason: error.message };
  return { kind: 'failed', eventType, error, infrastructure: isInfrastructureFault(error) };
}

import { Logger } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DataSource, QueryRunner } from 'typeorm';
import { EventCodec, EventDecodeError, EventEncodeError } from '@regsync/contracts/event-codec';
import { AdministrativeLevel, EventType, RegsyncEvent } from '@regsync/contracts/generated/events';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { EventRejectedError } from '../event-rejected-error';
import { HandlerFailure } from '../handler-failure.interceptor';
import { InboxOutcome, recordInInbox } from '../inbox';
import { KAFKA_HEADERS, headerText } from '../kafka-headers';
import { Admission } from '../messaging-options';
import { RegsyncEventContext } from '../regsync-event-context';
import { runInTraceContext } from '../trace-context';
import { ReplayHandlersServer } from './replay-handlers.server';
import { RecordFilter, recordPassesHeaderFilter, eventPassesFilter } from './record-filter';

/** What happened to one replayed record; `filtered` = not selected by --event-type / --subject. */
export type ReplayOutcome = InboxOutcome | 'irrelevant' | 'rejected' | 'filtered';

export interface ReplayRejection {
  ref: string;
  eventType: string;
  code: string;
  reason: string;
}

export interface ChunkReport {
  outcomes: Record<ReplayOutcome, number>;
  rejections: ReplayRejection[];
}

export interface ReplayApplierOptions {
  dataSource: DataSource;
  codec: EventCodec;
  handlers: ReplayHandlersServer;
  admit: (event: RegsyncEvent) => Admission;
  /** The target instance: its own events restore its subject version counters. */
  level: AdministrativeLevel;
  instanceKey: string;
  filter?: RecordFilter;
  /** Run everything in a transaction that is rolled back: the report says what a real run would do. */
  dryRun?: boolean;
  maxAttempts?: number;
}

/** A fault that is not the events' fault (database down, handler bug): the replay stops; running it again resumes. */
export class ReplayAbortedError extends Error {}

const FIRST_BACKOFF_MS = 200;

/**
 * Applies replayed records through the live consumer's path: decode, `admit`, inbox (duplicates and stale
 * versions are no-ops), then the app's own `@EventPattern` handler with the inbox transaction; one transaction
 * per chunk, a savepoint per event. Differences to the live consumer, all because the log already holds what the
 * live run produced: a rejected event is reported, not dead-lettered again; events a handler emits are recorded
 * as published (the originals are on the log); and the target's own events restore its subject version counters,
 * so the next event it emits continues the sequence.
 */
export class ReplayApplier {
  private readonly logger = new Logger('replay');

  constructor(private readonly options: ReplayApplierOptions) {}

  async applyChunk(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<ChunkReport> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tryChunk(topic, partition, messages);
      } catch (error) {
        const where = `${topic}:${partition}:${messages[0]?.offset}..${messages[messages.length - 1]?.offset}`;
        if (attempt >= maxAttempts) throw new ReplayAbortedError(`${where}: failed ${attempt} times, last: ${(error as Error).message}`);
        this.logger.warn(`${where}: attempt ${attempt} failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }

  private async tryChunk(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<ChunkReport> {
    const report: ChunkReport = { outcomes: { applied: 0, gap_applied: 0, duplicate: 0, stale: 0, irrelevant: 0, rejected: 0, filtered: 0 }, rejections: [] };
    const queryRunner = this.options.dataSource.createQueryRunner();
    try {
      await queryRunner.connect();
      await queryRunner.startTransaction();
      const [{ watermark }] = (await queryRunner.query('select coalesce(max(id), 0)::text as watermark from regsync_outbox')) as { watermark: string }[];
      for (const message of messages) {
        const ref = `${topic}:${partition}:${message.offset}`;
        const result = await this.applyMessage(queryRunner, topic, partition, message);
        report.outcomes[result.outcome]++;
        if (result.outcome === 'rejected') report.rejections.push({ ref, eventType: result.eventType, code: result.code, reason: result.reason });
      }
      await queryRunner.query('update regsync_outbox set published_at = now() where id > $1 and published_at is null', [watermark]);
      if (this.options.dryRun) await queryRunner.rollbackTransaction();
      else await queryRunner.commitTransaction();
      return report;
    } catch (error) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await queryRunner.release().catch(() => undefined);
    }
  }

  private async applyMessage(
    queryRunner: QueryRunner,
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<{ outcome: Exclude<ReplayOutcome, 'rejected'> } | { outcome: 'rejected'; eventType: string; code: string; reason: string }> {
    const filter = this.options.filter ?? {};
    if (!recordPassesHeaderFilter(filter, message)) return { outcome: 'filtered' };
    let event: RegsyncEvent;
    let eventType: EventType;
    try {
      ({ event, eventType } = await this.options.codec.decode(message.value));
    } catch (error) {
      if (error instanceof EventDecodeError) return { outcome: 'rejected', eventType: headerText(message.headers?.[KAFKA_HEADERS.eventType]) ?? '?', code: 'undecodable', reason: error.message };
      throw error;
    }
    if (!eventPassesFilter(filter, event)) return { outcome: 'filtered' };
    const rejected = (code: string, reason: string) => ({ outcome: 'rejected' as const, eventType, code, reason });

    await this.restoreSubjectVersion(queryRunner, event);
    let admission: Admission;
    try {
      admission = this.options.admit(event);
    } catch (error) {
      const permanent = permanentRejection(error);
      if (permanent) return rejected(permanent.code, permanent.reason);
      throw error;
    }
    if (admission.kind === 'reject') return rejected(admission.code, admission.reason);
    const handler = this.options.handlers.getHandlerByPattern(eventType);
    if (admission.kind === 'ignore' || !handler) return { outcome: 'irrelevant' };

    await queryRunner.query('savepoint regsync_replay_event');
    try {
      const { outcome } = await recordInInbox(queryRunner.manager, { event, topic, partition, offset: message.offset });
      if (outcome === 'applied' || outcome === 'gap_applied') {
        const traceparent = headerText(message.headers?.[KAFKA_HEADERS.traceparent]);
        const context = new RegsyncEventContext(queryRunner.manager, admission, topic, partition, message.offset, message.headers ?? {}, traceparent, event.envelope.correlationId);
        const result = await runInTraceContext(traceparent, async () => lastValueFrom(this.options.handlers.transformToObservable(await handler(admission.event, context)), { defaultValue: undefined }));
        if (result instanceof HandlerFailure) throw result.error;
      }
      await queryRunner.query('release savepoint regsync_replay_event');
      return { outcome };
    } catch (error) {
      await queryRunner.query('rollback to savepoint regsync_replay_event');
      const permanent = permanentRejection(error);
      if (permanent) return rejected(permanent.code, permanent.reason);
      throw error;
    }
  }

  /** The outbox numbers a subject's events per sending register; after a rebuild it must continue, not restart at 1. */
  private async restoreSubjectVersion(queryRunner: QueryRunner, event: RegsyncEvent): Promise<void> {
    const { source, subject, subjectVersion } = event.envelope;
    if (source.level !== this.options.level || source.instanceKey !== this.options.instanceKey) return;
    await queryRunner.query(
      `insert into regsync_subject_version (register, subject_kind, subject_id, version) values ($1, $2, $3, $4)
       on conflict (register, subject_kind, subject_id) do update set version = greatest(regsync_subject_version.version, excluded.version)`,
      [source.register, subject.kind, subject.id, subjectVersion],
    );
  }
}

/** The same split as the live consumer: these errors can never succeed on a retry. */
function permanentRejection(error: unknown): { code: string; reason: string } | undefined {
  if (error instanceof EventRejectedError) return { code: error.code, reason: error.reason };
  if (error instanceof DomainValidationError || error instanceof EventEncodeError) return { code: 'invalid', reason: error.message };
  return undefined;
}

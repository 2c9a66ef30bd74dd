import { Logger } from '@nestjs/common';
import { KafkaMessage } from 'kafkajs';
import { QueryRunner } from 'typeorm';
import { EventCodec, SubjectKeySource } from '@regsync/contracts/event-encoding';
import { AuthorityDatabase, runAsAuthority } from '@regsync/persistence/authority-scope';
import { AdministrativeLevel, RegsyncEvent } from '@regsync/contracts/generated/events';
import { AppliedOutcome, BatchApplier } from '@regsync/messaging/replay-support';
import { Admission, ReceivedRecord } from '@regsync/messaging/register-messaging';
import { RetryRoute } from '@regsync/messaging/broker';
import { ReplayHandlersServer } from './replay-handlers.server';
import { RecordFilter, recordPassesHeaderFilter, eventPassesFilter } from './record-filter';

/**
 * What happened to one replayed record; `filtered` = not selected by --event-type / --subject; `erased` = sealed with
 * the key of a subject erased since, skipped. The replay never holds at a gap.
 */
export type ReplayOutcome = Exclude<AppliedOutcome, 'held'> | 'rejected';

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
  database: AuthorityDatabase;
  codec: EventCodec;
  /** The subject keys of the replayed topics (their key topics): an event whose subject was erased since is skipped. */
  subjectKeys?: SubjectKeySource;
  handlers: ReplayHandlersServer;
  admit: (event: RegsyncEvent, record: ReceivedRecord) => Admission;
  /** The target instance: its own events restore its subject version counters. */
  level?: AdministrativeLevel;
  instanceKey: string;
  /** The target's outgoing topic: its records only restore the version counters, they are not applied. */
  outgoingTopic?: string;
  filter?: RecordFilter;
  /** The target's retry topic: re-driven records are judged as read from the topic they were first read from. */
  retry?: RetryRoute;
  /** Run everything in a transaction that is rolled back: the report says what a real run would do. */
  dryRun?: boolean;
  maxAttempts?: number;
}

/** A fault that is not the events' fault (database down, handler bug): the replay stops; running it again resumes. */
export class ReplayAbortedError extends Error {}

const FIRST_BACKOFF_MS = 200;

/**
 * Applies replayed records through the live consumer's path (BatchApplier): decode, `admit`, inbox (duplicates and
 * stale versions are no-ops), then the app's own `@EventPattern` / `@EventBatchPattern` handler with the inbox transaction; one
 * transaction per chunk. Differences to the live consumer, all because the log already holds what the
 * live run produced: a rejected event is reported, not dead-lettered again; events a handler emits are recorded
 * as published (the originals are on the log); and the target's own events restore its subject version counters,
 * so the next event it emits continues the sequence.
 */
export class ReplayApplier {
  private readonly logger = new Logger('replay');
  private readonly applier: BatchApplier;

  constructor(private readonly options: ReplayApplierOptions) {
    const { eventHandlers } = options.handlers;
    if (!eventHandlers) throw new Error('ReplayApplier: the handlers server is not connected to an app (bootReplayTarget)');
    this.applier = new BatchApplier({ database: options.database, codec: options.codec, subjectKeys: options.subjectKeys, handlers: eventHandlers, admit: options.admit, detectGaps: false, retry: options.retry });
  }

  async applyChunk(topic: string, partition: number, messages: readonly KafkaMessage[]): Promise<ChunkReport> {
    const maxAttempts = this.options.maxAttempts ?? 5;
    const isolated = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      try {
        // The replay rebuilds one instance, so it acts as that authority.
        return await runAsAuthority(this.options.instanceKey, () => this.tryChunk(topic, partition, messages, isolated));
      } catch (error) {
        const where = `${topic}:${partition}:${messages[0]?.offset}..${messages[messages.length - 1]?.offset}`;
        if (attempt >= maxAttempts) throw new ReplayAbortedError(`${where}: failed ${attempt} times, last: ${(error as Error).message}`);
        this.logger.warn(`${where}: attempt ${attempt} failed, retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, FIRST_BACKOFF_MS * 2 ** (attempt - 1)));
      }
    }
  }

  private async tryChunk(topic: string, partition: number, messages: readonly KafkaMessage[], isolated: Set<string>): Promise<ChunkReport> {
    let watermark = '0';
    const results = await this.applier.applyChunk({
      parts: [{ topic, partition, messages, isolated }],
      selectRecord: (message) => recordPassesHeaderFilter(this.options.filter ?? {}, message),
      // The target's own events (its outgoing topic) only restore its version counters (begin).
      selectEvent: (event) => topic !== this.options.outgoingTopic && eventPassesFilter(this.options.filter ?? {}, event),
      // A fault that is not the event's: the chunk rolls back and applyChunk retries it.
      onFailure: async (_index, { error }) => {
        throw error;
      },
      begin: async (queryRunner, events) => {
        [{ watermark }] = (await queryRunner.query('select coalesce(max(id), 0)::text as watermark from regsync_outbox')) as { watermark: string }[];
        await this.restoreSubjectVersions(queryRunner, events);
      },
      end: async (queryRunner) => {
        await queryRunner.query('update regsync_outbox set published_at = now() where id > $1 and published_at is null', [watermark]);
        return this.options.dryRun ? 'rollback' : 'commit';
      },
    });
    const report: ChunkReport = { outcomes: { applied: 0, gap_applied: 0, duplicate: 0, stale: 0, irrelevant: 0, rejected: 0, filtered: 0, erased: 0 }, rejections: [] };
    for (const [index, result] of results.entries()) {
      if (result.kind === 'done' && result.outcome !== 'held') report.outcomes[result.outcome]++;
      else if (result.kind === 'rejected') {
        report.outcomes.rejected++;
        report.rejections.push({ ref: `${topic}:${partition}:${messages[index].offset}`, eventType: result.eventType, code: result.code, reason: result.reason });
      }
    }
    return report;
  }

  /** The outbox numbers a subject's events per sending register; after a rebuild it must continue, not restart at 1. */
  private async restoreSubjectVersions(queryRunner: QueryRunner, events: RegsyncEvent[]): Promise<void> {
    const latest = new Map<string, [string, string, string, number]>();
    for (const { envelope } of events) {
      const { source, subject, subjectVersion } = envelope;
      if (source.level !== this.options.level || source.instanceKey !== this.options.instanceKey) continue;
      const key = [source.register, subject.kind, subject.id].join('\u0000');
      if ((latest.get(key)?.[3] ?? 0) < subjectVersion) latest.set(key, [source.register, subject.kind, subject.id, subjectVersion]);
    }
    if (latest.size === 0) return;
    const rows = [...latest.values()];
    await queryRunner.query(
      `insert into regsync_subject_version (register, subject_kind, subject_id, version)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[])
       on conflict (authority_key, register, subject_kind, subject_id) do update set version = greatest(regsync_subject_version.version, excluded.version)`,
      [0, 1, 2, 3].map((column) => rows.map((row) => row[column])),
    );
  }
}

import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthorityDatabase, currentAuthority, runAsAuthority } from '@regsync/persistence/authority-scope';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import type { RecordResult } from './batch-applier';
import { HeldEvent, HeldSubject, SubjectSource, heldEventsOf, heldSubjects, subjectSourceKey } from './held-events';
import { releasableAfter } from './inbox';

/** Applies one held event through the consumer's chunk path; undefined: it failed transiently and stays held. */
export type ApplyHeld = (event: HeldEvent, atGap?: 'apply') => Promise<RecordResult | undefined>;

export interface HeldEventReleaseOptions {
  database: AuthorityDatabase;
  /** The owner's connection: reads every hosted authority's held events (metrics, the ops endpoint). */
  dataSource: DataSource;
  detectGaps: boolean;
  consumerGroup: string;
  metrics: RegsyncMetrics;
  apply: ApplyHeld;
}

/**
 * The second half of hold at a gap: once a subject's missing version is applied, its held successors are applied in
 * version order, each in a transaction that also removes it from the parking table. Run after every chunk for the
 * subjects it touched and, as a safety net (a crash between a chunk's commit and its release, another replica's held
 * events), by a periodic sweep.
 */
export class HeldEventRelease {
  private readonly logger = new Logger(HeldEventRelease.name);
  /**
   * The authorities with held events at the last sweep or held here since: only their chunks look for held
   * successors, so a consumer with nothing held pays no look-up. What another replica held meanwhile, the sweep finds.
   */
  private readonly holding = new Set<string>();
  private readonly heldDuringSweep = new Set<string>();

  constructor(private readonly options: HeldEventReleaseOptions) {}

  /** The current authority held an event. */
  noteHeld(): void {
    this.holding.add(currentAuthority());
    this.heldDuringSweep.add(currentAuthority());
  }

  /** For the current authority: applies the held events of `subjects` that follow their applied versions now. */
  async releaseFollowers(subjects: readonly SubjectSource[]): Promise<void> {
    if (!this.holding.has(currentAuthority())) return;
    const unique = new Map(subjects.map((subject) => [subjectSourceKey(subject), subject]));
    const held = await this.options.database.transaction((manager) => heldEventsOf(manager, [...unique.values()]));
    for (const { appliedVersion, events } of held) {
      for (const event of releasableAfter(appliedVersion, events, this.options.detectGaps)) {
        const result = await this.options.apply(event);
        if (!result || (result.kind === 'done' && result.outcome === 'held')) break;
      }
    }
  }

  /**
   * An operator's decision: applies every held event of one subject over the gap, in version order (reported as
   * gap_applied). Returns what became of each.
   */
  async releaseOverGap(authority: string, subject: SubjectSource, decidedBy: string): Promise<{ eventId: string; subjectVersion: number; outcome: string }[]> {
    return runAsAuthority(authority, async () => {
      const [held] = await this.options.database.transaction((manager) => heldEventsOf(manager, [subject]));
      const released: { eventId: string; subjectVersion: number; outcome: string }[] = [];
      for (const event of held?.events ?? []) {
        const result = await this.options.apply(event, 'apply');
        const outcome = !result ? 'failed, still held' : result.kind === 'done' ? result.outcome : result.kind;
        released.push({ eventId: event.eventId, subjectVersion: event.subjectVersion, outcome });
        if (!result) break;
      }
      this.logger.warn(
        `held subject released over its gap by ${decidedBy}: ${subject.subjectKind} ${subject.subjectId} from ${subject.sourceInstanceKey}/${subject.sourceRegister} (authority ${authority}): ` +
          released.map(({ subjectVersion, outcome }) => `v${subjectVersion} ${outcome}`).join(', '),
      );
      return released;
    });
  }

  /** Every held subject of the process, and the held-subject metrics of its consumer group. */
  async heldSubjects(): Promise<HeldSubject[]> {
    const subjects = await heldSubjects((sql) => this.options.dataSource.query(sql));
    const { metrics, consumerGroup } = this.options;
    metrics.heldSubjects.set({ group: consumerGroup }, subjects.length);
    const oldest = subjects.reduce((min, subject) => Math.min(min, Date.parse(subject.heldSince)), Date.now());
    metrics.heldOldestAgeSeconds.set({ group: consumerGroup }, (Date.now() - oldest) / 1000);
    return subjects;
  }

  /** The sweep: refreshes the metrics, then releases what follows its applied version in every hosted authority. */
  async sweep(): Promise<void> {
    this.heldDuringSweep.clear();
    const byAuthority = new Map<string, HeldSubject[]>();
    for (const subject of await this.heldSubjects()) byAuthority.set(subject.authority, [...(byAuthority.get(subject.authority) ?? []), subject]);
    for (const authority of this.holding) if (!byAuthority.has(authority) && !this.heldDuringSweep.has(authority)) this.holding.delete(authority);
    for (const authority of byAuthority.keys()) this.holding.add(authority);
    for (const [authority, subjects] of byAuthority) await runAsAuthority(authority, () => this.releaseFollowers(subjects));
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { deletionCutoff, RETENTION_CATALOG, type RetentionPeriod, type RetentionRule } from '@regsync/register-domain/retention';
import { DeliveryKeyRetention } from './delivery-key-retention';
import { schemaTables } from '../schema-tables';
import { PERSON_RECORD_DEPENDENTS, retentionTargetOf, type RetentionTarget } from './retention-targets';
import { SubjectKeyRetention } from './subject-key-retention';

export interface RetentionJobOptions {
  intervalMs: number;
  /** Rows deleted per statement and transaction. */
  batchSize: number;
  /** The job's "now"; a test moves it forward. */
  clock: () => Date;
}

export const RETENTION_JOB_OPTIONS = Symbol('RETENTION_JOB_OPTIONS');

/** What one run deleted of one kind of record: counts only, never whose. */
export interface RetentionDeletion {
  table: string;
  recordKind: string;
  legalBasis: string;
  deleted: number;
}

interface DeletedPerson {
  authorityKey: string;
  idnr: string;
}

type TimedDeletion = RetentionRule & { retention: { kind: 'timed'; period: RetentionPeriod; disposal: 'delete' } };

/**
 * Applies the retention catalog to this instance's database: once at start-up, then hourly, deletes every record
 * whose retention ended (and the records kept with it), in bounded batches, and logs and counts what it deleted per
 * kind of record, without personal data. Tables this instance does not have are skipped.
 */
@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('retention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<RetentionDeletion[]>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RETENTION_JOB_OPTIONS) private readonly options: RetentionJobOptions,
    @Optional() private readonly metrics?: RegsyncMetrics,
    // The router's: its delivery keys end with their recipients' retention.
    @Optional() private readonly deliveryKeys?: DeliveryKeyRetention,
    // A register's: its own keys of persons end with the last of its records of them.
    @Optional() private readonly subjectKeys?: SubjectKeyRetention,
  ) {}

  onApplicationBootstrap(): void {
    void this.run();
    this.timer = setInterval(() => void this.run(), this.options.intervalMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass (a pass still running is awaited, not doubled); `now` defaults to the clock. */
  async run(now: Date = this.options.clock()): Promise<RetentionDeletion[]> {
    if (this.running) return this.running;
    this.running = this.pass(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(now: Date): Promise<RetentionDeletion[]> {
    try {
      const tables = await schemaTables(this.dataSource.manager);
      const deletions: RetentionDeletion[] = [];
      for (const rule of RETENTION_CATALOG.filter(isTimedDeletion).filter((rule) => tables.has(rule.table))) {
        const target = retentionTargetOf(rule);
        if (!target) throw new Error(`retention: no target for ${rule.table}`);
        deletions.push(...(await this.apply(rule, target, deletionCutoff(rule.retention.period, now), tables)));
      }
      if (this.deliveryKeys) deletions.push(...(await this.deliveryKeys.run(now, this.options.batchSize)));
      // After the register rows: a record deleted in this pass keeps no key.
      if (this.subjectKeys) deletions.push(...(await this.subjectKeys.run(now, this.options.batchSize)));
      for (const deletion of deletions.filter(({ deleted }) => deleted > 0)) this.report(deletion);
      return deletions;
    } catch (error) {
      this.logger.error(`retention run failed: ${(error as Error).message}`);
      return [];
    }
  }

  /**
   * Deletes the rule's expired rows batch by batch, each batch with the records kept with its persons, in one
   * transaction. The job runs as the owner, across every hosted authority: a person's records are those of the same
   * IdNr and authority (a person may be in two hosted municipalities' registers).
   */
  private async apply(rule: TimedDeletion, target: RetentionTarget, cutoff: Date, tables: ReadonlySet<string>): Promise<RetentionDeletion[]> {
    const dependents = !target.personIdnr ? [] : RETENTION_CATALOG.filter((other) => other.retention.kind === 'with-person-record' && tables.has(other.table));
    const counts = new Map<RetentionRule, number>([[rule, 0], ...dependents.map((dependent) => [dependent, 0] as const)]);
    for (;;) {
      const deleted = await this.dataSource.transaction(async (manager) => {
        const rows = await this.deleteBatch(manager, rule.table, target, cutoff);
        counts.set(rule, counts.get(rule)! + rows.length);
        const persons = rows.filter((row): row is DeletedPerson => row.idnr !== null);
        for (const dependent of persons.length > 0 ? dependents : []) {
          const [, removed] = (await manager.query(`delete from ${dependent.table} where ${PERSON_RECORD_DEPENDENTS[dependent.table]}`, [
            persons.map(({ authorityKey }) => authorityKey),
            persons.map(({ idnr }) => idnr),
          ])) as [unknown, number];
          counts.set(dependent, counts.get(dependent)! + removed);
        }
        return rows.length;
      });
      if (deleted < this.options.batchSize) break;
    }
    return [...counts].map(([{ table, recordKind, legalBasis }, deleted]) => ({ table, recordKind, legalBasis, deleted }));
  }

  /**
   * One bounded delete, by the rows' physical position (ctid), so it needs no knowledge of the primary key; rows a
   * handler holds locked are left for the next run. Returns the deleted rows' authority and IdNr (null where none).
   */
  private async deleteBatch(manager: EntityManager, table: string, target: RetentionTarget, cutoff: Date): Promise<{ authorityKey: string; idnr: string | null }[]> {
    const rows = (await manager.query(
      `delete from ${table} where ctid in (select ctid from ${table} where ${target.startedAt} < $1 limit $2 for update skip locked)
       returning authority_key as "authorityKey", ${target.personIdnr ?? 'null'} as idnr`,
      [cutoff, this.options.batchSize],
    )) as [{ authorityKey: string; idnr: string | null }[], number];
    return rows[0];
  }

  private report({ table, recordKind, legalBasis, deleted }: RetentionDeletion): void {
    this.logger.log(`deleted ${deleted} × ${recordKind} (${table}): retention ended, ${legalBasis}`);
    this.metrics?.retentionDeleted.inc({ table, record_kind: recordKind }, deleted);
  }
}

function isTimedDeletion(rule: RetentionRule): rule is TimedDeletion {
  return rule.retention.kind === 'timed' && rule.retention.disposal === 'delete';
}

import { Injectable, Logger } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { DashboardUser } from '../auth/dashboard-user';
import type { RepairJobView } from '../repair/drift-repair.service';
import { RepairAuditRecord } from './repair-audit.entity';

export type RepairAuditEntry = Omit<RepairAuditRecord, 'id' | 'requestedAt' | 'finishedAt'> & { requestedAt: string; finishedAt: string | null };

const ENTRIES_SHOWN = 100;

/** Who repaired which drift when, and with what result: structured log lines and a row in the dashboard's database. */
@Injectable()
export class RepairAudit {
  private readonly logger = new Logger('audit');

  private readonly records: Repository<RepairAuditRecord>;

  constructor(dataSource: DataSource) {
    this.records = dataSource.getRepository(RepairAuditRecord);
  }

  /** Before the first restatement is asked for: a repair is on record with its person even if the dashboard stops. */
  async started(user: DashboardUser, job: RepairJobView): Promise<void> {
    const entry = { repairId: job.id, userSubject: user.subject, userName: user.name, dataset: job.dataset, replica: job.replica, subjects: job.total, correlationId: job.correlationId, state: job.state };
    this.logger.log(JSON.stringify({ audit: 'drift-repair-started', requestedAt: job.startedAt, ...entry }));
    await this.records.insert({ ...entry, requestedAt: new Date(job.startedAt) });
  }

  async finished(job: RepairJobView): Promise<void> {
    const outcome = { state: job.state, restated: job.restated, notHeldHere: job.notHeldHere, failed: job.failed };
    this.logger.log(JSON.stringify({ audit: 'drift-repair-finished', repairId: job.id, finishedAt: job.finishedAt, ...outcome }));
    await this.records.update({ repairId: job.id }, { ...outcome, finishedAt: job.finishedAt ? new Date(job.finishedAt) : null });
  }

  async latest(): Promise<RepairAuditEntry[]> {
    const rows = await this.records.find({ order: { requestedAt: 'DESC', id: 'DESC' }, take: ENTRIES_SHOWN });
    return rows.map(({ id: _id, requestedAt, finishedAt, ...entry }) => ({ ...entry, requestedAt: requestedAt.toISOString(), finishedAt: finishedAt ? finishedAt.toISOString() : null }));
  }
}

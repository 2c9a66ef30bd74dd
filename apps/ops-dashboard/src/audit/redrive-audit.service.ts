import { Injectable, Logger } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { DashboardUser } from '../auth/dashboard-user';
import { DeadLetter } from '../kafka/topic-tail.service';
import { RedriveAuditRecord } from './redrive-audit.entity';

export type RedriveAuditEntry = Omit<RedriveAuditRecord, 'id' | 'redrivenAt'> & { redrivenAt: string };

const ENTRIES_SHOWN = 100;

/** Who re-drove which dead letter when: a structured log line and a row in the dashboard's database. */
@Injectable()
export class RedriveAudit {
  private readonly logger = new Logger('audit');

  private readonly records: Repository<RedriveAuditRecord>;

  constructor(dataSource: DataSource) {
    this.records = dataSource.getRepository(RedriveAuditRecord);
  }

  async record(user: DashboardUser, deadLetter: DeadLetter, redrivenTo: string): Promise<RedriveAuditEntry> {
    const entry: RedriveAuditEntry = {
      redrivenAt: new Date().toISOString(),
      userSubject: user.subject,
      userName: user.name,
      deadLetter: deadLetter.id,
      sourceTopic: deadLetter.sourceTopic,
      redrivenTo,
      reasonCode: deadLetter.reasonCode,
      eventType: deadLetter.eventType,
      correlationId: deadLetter.correlationId,
    };
    // the log line first: should the insert fail, the re-drive is still on record with its person
    this.logger.log(JSON.stringify({ audit: 'dead-letter-redriven', ...entry }));
    await this.records.insert({ ...entry, redrivenAt: new Date(entry.redrivenAt) });
    return entry;
  }

  async latest(): Promise<RedriveAuditEntry[]> {
    const rows = await this.records.find({ order: { redrivenAt: 'DESC', id: 'DESC' }, take: ENTRIES_SHOWN });
    return rows.map(({ id: _id, redrivenAt, ...entry }) => ({ ...entry, redrivenAt: redrivenAt.toISOString() }));
  }
}

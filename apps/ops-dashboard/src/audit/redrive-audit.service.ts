import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { RedrivenRecord, RedriveOutcome, describeRedriveOutcome } from '@regsync/messaging/dead-letter-redrive';
import { DashboardUser } from '../auth/dashboard-user';
import { maskIdNrsIn } from '../auth/personal-data';
import { DeadLetter, TopicTailService } from '../kafka/topic-tail.service';
import { RedriveAuditRecord } from './redrive-audit.entity';

export type RedriveAuditEntry = Omit<RedriveAuditRecord, 'id' | 'redrivenAt' | 'outcomeAt'> & { redrivenAt: string; outcomeAt: string | null };

const ENTRIES_SHOWN = 100;

/**
 * Who re-drove which dead letter when, and what the consumer group made of it: a structured log line and a row in the
 * dashboard's database at the re-drive, completed by the outcome the group reports (read from its outcome topic).
 */
@Injectable()
export class RedriveAudit implements OnModuleInit {
  private readonly logger = new Logger('audit');

  private readonly records: Repository<RedriveAuditRecord>;

  constructor(
    dataSource: DataSource,
    private readonly tail: TopicTailService,
  ) {
    this.records = dataSource.getRepository(RedriveAuditRecord);
  }

  onModuleInit(): void {
    this.tail.onRedriveOutcome((outcome) => void this.recordOutcome(outcome).catch((error: Error) => this.logger.warn(`re-drive outcome not recorded: ${error.message}`)));
  }

  async record(user: DashboardUser, deadLetter: DeadLetter, redriven: RedrivenRecord): Promise<RedriveAuditEntry> {
    const entry: RedriveAuditEntry = {
      redrivenAt: new Date().toISOString(),
      userSubject: user.subject,
      userName: user.name,
      deadLetter: deadLetter.id,
      sourceTopic: deadLetter.sourceTopic,
      redrivenTo: redriven.topic,
      redrivenPartition: redriven.partition,
      redrivenOffset: redriven.offset,
      reasonCode: deadLetter.reasonCode,
      eventType: deadLetter.eventType,
      correlationId: deadLetter.correlationId,
      outcome: null,
      outcomeDetail: null,
      outcomeAt: null,
    };
    // the log line first: should the insert fail, the re-drive is still on record with its person
    this.logger.log(JSON.stringify({ audit: 'dead-letter-redriven', ...entry }));
    await this.records.insert({ ...entry, redrivenAt: new Date(entry.redrivenAt), outcomeAt: null });
    // a group quicker than this insert: its outcome was read before there was a row to complete
    const known = this.tail.deadLetter(deadLetter.id)?.redriveOutcome;
    if (known) await this.recordOutcome(known);
    return entry;
  }

  /** Completes the row of the re-drive the outcome names, once (read again after a restart, it changes nothing). */
  async recordOutcome(outcome: RedriveOutcome): Promise<void> {
    const { topic, partition, offset } = outcome.redriven;
    // every role reads the audit: a new reason may quote an IdNr (the new dead letter keeps it unmasked for data-viewers)
    const completed = { outcome: outcome.kind, outcomeDetail: maskIdNrsIn(describeRedriveOutcome(outcome)), outcomeAt: new Date(outcome.decidedAt) };
    const { affected } = await this.records.update({ redrivenTo: topic, redrivenPartition: partition, redrivenOffset: offset, outcome: IsNull() }, completed);
    if (affected) this.logger.log(JSON.stringify({ audit: 'dead-letter-redrive-outcome', redrivenTo: topic, redrivenPartition: partition, redrivenOffset: offset, deadLetterId: outcome.deadLetterId, ...completed }));
  }

  async latest(): Promise<RedriveAuditEntry[]> {
    const rows = await this.records.find({ order: { redrivenAt: 'DESC', id: 'DESC' }, take: ENTRIES_SHOWN });
    return rows.map(({ id: _id, redrivenAt, outcomeAt, ...entry }) => ({ ...entry, redrivenAt: redrivenAt.toISOString(), outcomeAt: outcomeAt?.toISOString() ?? null }));
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { idnrViolation } from '@regsync/register-domain/idnr';
import { retentionCutoff } from './retention';
import type { AdmittedTransfer } from './transfer-admission';
import { TransferLogRecord } from './transfer-log-record.entity';

/** One transfer as the cockpit shows it. */
export interface TransferView {
  eventId: string;
  eventType: string;
  correlationId: string;
  idnr: string | null;
  subjectId: string;
  sender: { level: string; instanceKey: string; register: string };
  recipient: { level: string; instanceKey: string; register: string };
  fields: string[];
  legalBasis: string;
  purpose: string;
  transferredAt: string;
}

/** The transfer log of this instance (§ 9 IDNrG). Rows are written in the transaction that applies the transfer. */
@Injectable()
export class TransferLog {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Logs every admitted transfer of personal data in `event`: one row per receiving register and IdNr concerned
   * (a parcel's owners, or the person). A parcel without owners carries no personal data and is not logged.
   */
  async record(manager: EntityManager, event: RegsyncEvent, transfers: AdmittedTransfer[], transferredAt = new Date()): Promise<void> {
    const { envelope } = event;
    const rows = transfers.flatMap((transfer) =>
      personsConcerned(event, transfer).map((idnr) =>
        manager.create(TransferLogRecord, {
          eventId: envelope.eventId,
          eventType: envelope.eventType,
          correlationId: envelope.correlationId,
          idnr,
          subjectId: envelope.subject.id,
          senderLevel: envelope.source.level,
          senderInstance: envelope.source.instanceKey,
          senderRegister: envelope.source.register,
          recipientLevel: transfer.recipient.level,
          recipientInstance: transfer.recipient.instanceKey,
          recipientRegister: transfer.recipient.register,
          fields: Object.keys(transfer.payload).filter((field) => field !== 'envelope'),
          legalBasis: transfer.route.legalBasis,
          purpose: transfer.route.purpose,
          transferredAt,
        }),
      ),
    );
    if (rows.length > 0) await manager.insert(TransferLogRecord, rows);
  }

  /** A newborn's transfers were logged under the birth registration id; once the IdNr exists, they belong to it. */
  async linkIdnr(manager: EntityManager, subjectId: string, idnr: string): Promise<void> {
    await manager.update(TransferLogRecord, { subjectId, idnr: IsNull() }, { idnr });
  }

  async forIdnr(idnr: string): Promise<TransferView[]> {
    const rows = await this.dataSource.getRepository(TransferLogRecord).find({ where: { idnr }, order: { transferredAt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  /** Deletes every entry older than the retention period at `now`; returns how many were deleted. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.dataSource.createQueryBuilder().delete().from(TransferLogRecord).where('transferred_at < :cutoff', { cutoff: retentionCutoff(now) }).execute();
    return result.affected ?? 0;
  }
}

function personsConcerned(event: RegsyncEvent, transfer: AdmittedTransfer): (string | null)[] {
  const payload = transfer.payload;
  if (Array.isArray(payload.ownerIdnrs)) return payload.ownerIdnrs as string[];
  if (event.envelope.subject.kind !== 'PERSON') return [];
  if (typeof payload.idnr === 'string') return [payload.idnr];
  const subjectId = event.envelope.subject.id;
  return [idnrViolation(subjectId) === undefined ? subjectId : null];
}

function toView(row: TransferLogRecord): TransferView {
  return {
    eventId: row.eventId,
    eventType: row.eventType,
    correlationId: row.correlationId,
    idnr: row.idnr,
    subjectId: row.subjectId,
    sender: { level: row.senderLevel, instanceKey: row.senderInstance, register: row.senderRegister },
    recipient: { level: row.recipientLevel, instanceKey: row.recipientInstance, register: row.recipientRegister },
    fields: row.fields,
    legalBasis: row.legalBasis,
    purpose: row.purpose,
    transferredAt: row.transferredAt.toISOString(),
  };
}

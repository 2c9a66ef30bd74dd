import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { idnrViolation } from '@regsync/register-domain/identifiers';
import type { AppendedRows } from '@regsync/persistence/register-storage';
import { appendParameters, appendSql, type AppendTable } from '@regsync/persistence/register-storage';
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
  /** Who asked for the transfer: the operator of a drift repair; null for the registers' own flows. */
  requestedBy: string | null;
  transferredAt: string;
}

/** The transfer log of this instance (§ 9 IDNrG). Rows are written in the transaction that applies the transfer. */
@Injectable()
export class TransferLog {
  constructor(private readonly database: AuthorityDatabase) {}

  /**
   * Logs every admitted transfer of personal data in `event`: one row per receiving register and IdNr concerned
   * (a parcel's owners, or the person). A parcel without owners carries no personal data and is not logged.
   */
  async record(manager: EntityManager, event: RegsyncEvent, transfers: AdmittedTransfer[], transferredAt = new Date()): Promise<void> {
    const rows = logRows(event, transfers, transferredAt);
    // A plain insert: nothing is read back (the entity insert would return the generated ids).
    if (rows.length > 0) await manager.query(appendSql(TRANSFER_LOG), appendParameters(TRANSFER_LOG, rows));
  }

  /** The log rows of the `applied` events, written by the register store with the change that applies them. */
  rowsOf(applied: readonly { event: RegsyncEvent; transfers: AdmittedTransfer[] }[], transferredAt = new Date()): AppendedRows {
    return { into: TRANSFER_LOG, rows: applied.flatMap(({ event, transfers }) => logRows(event, transfers, transferredAt)) };
  }

  /** A newborn's transfers were logged under the birth registration id; once the IdNr exists, they belong to it. */
  async linkIdnr(manager: EntityManager, subjectId: string, idnr: string): Promise<void> {
    await manager.query('update transfer_log set idnr = $1 where subject_id = $2 and idnr is null', [idnr, subjectId]);
  }

  async forIdnr(idnr: string): Promise<TransferView[]> {
    const rows = await this.database.transaction((manager) => manager.getRepository(TransferLogRecord).find({ where: { idnr }, order: { transferredAt: 'ASC', id: 'ASC' } }));
    return rows.map(toView);
  }
}

/** The log's columns in the order of `logRows`' values; written through the register store's appended rows. */
const TRANSFER_LOG: AppendTable = {
  table: 'transfer_log',
  columns: [
    { name: 'event_id', sqlType: 'uuid' },
    { name: 'event_type', sqlType: 'text' },
    { name: 'correlation_id', sqlType: 'text' },
    { name: 'idnr', sqlType: 'text' },
    { name: 'subject_id', sqlType: 'text' },
    { name: 'sender_level', sqlType: 'text' },
    { name: 'sender_instance', sqlType: 'text' },
    { name: 'sender_register', sqlType: 'text' },
    { name: 'recipient_level', sqlType: 'text' },
    { name: 'recipient_instance', sqlType: 'text' },
    { name: 'recipient_register', sqlType: 'text' },
    { name: 'fields', sqlType: 'text[]' },
    { name: 'legal_basis', sqlType: 'text' },
    { name: 'purpose', sqlType: 'text' },
    { name: 'requested_by', sqlType: 'text' },
    { name: 'transferred_at', sqlType: 'timestamptz' },
  ],
};

/**
 * The log rows, each its values in TRANSFER_LOG's column order: one row per receiving register and IdNr concerned
 * (a parcel's owners, or the person). A parcel without owners carries no personal data and is not logged.
 */
function logRows(event: RegsyncEvent, transfers: AdmittedTransfer[], transferredAt: Date): unknown[][] {
  const { envelope } = event;
  const requestedBy = 'requestedBy' in event && typeof event.requestedBy === 'string' ? event.requestedBy : null;
  const rows: unknown[][] = [];
  for (const transfer of transfers) {
    const fields = Object.keys(transfer.payload).filter((field) => field !== 'envelope');
    for (const idnr of personsConcerned(event, transfer)) {
      rows.push([
        envelope.eventId,
        envelope.eventType,
        envelope.correlationId,
        idnr,
        envelope.subject.id,
        envelope.source.level,
        envelope.source.instanceKey,
        envelope.source.register,
        transfer.recipient.level,
        transfer.recipient.instanceKey,
        transfer.recipient.register,
        fields,
        transfer.route.legalBasis,
        transfer.route.purpose,
        requestedBy,
        transferredAt,
      ]);
    }
  }
  return rows;
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
    requestedBy: row.requestedBy,
    transferredAt: row.transferredAt.toISOString(),
  };
}

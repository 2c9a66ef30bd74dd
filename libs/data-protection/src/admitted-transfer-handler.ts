import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { EventRejectedError } from '@regsync/messaging/event-rejected-error';
import { RegsyncEventContext } from '@regsync/messaging/regsync-event-context';
import { RegisterRejection } from '@regsync/register-domain/registers/register-rejection';
import { admittedTransfers, type AdmittedTransfer } from './transfer-admission';
import type { RegisterWrite } from './register-write';
import { TransferLog } from './transfer-log';

/**
 * What a register change did with an admitted event: only a stored transfer is logged. A RegisterWrite is a change
 * not yet written; it is written with the log rows.
 */
export type ChangeOutcome = 'applied' | 'nothing-to-apply' | RegisterWrite;

/**
 * Runs a register change for an admitted event and logs the transfer, both in the inbox transaction, so a
 * transfer is logged exactly when it is applied. A RegisterRejection (e.g. 'subject-deceased') becomes a dead letter.
 */
@Injectable()
export class AdmittedTransferHandler {
  constructor(private readonly transferLog: TransferLog) {}

  async apply(event: RegsyncEvent, context: RegsyncEventContext, change: (manager: EntityManager, transfers: AdmittedTransfer[]) => Promise<ChangeOutcome>): Promise<'applied' | 'nothing-to-apply'> {
    const transfers = admittedTransfers(context.admission);
    let outcome: ChangeOutcome;
    try {
      outcome = await change(context.manager, transfers);
    } catch (error) {
      if (error instanceof RegisterRejection) throw new EventRejectedError(error.code, error.reason);
      throw error;
    }
    if (outcome === 'nothing-to-apply') return outcome;
    if (outcome === 'applied') await this.transferLog.record(context.manager, event, transfers);
    else await this.transferLog.recordWithWrite(context.manager, event, transfers, outcome);
    return 'applied';
  }
}

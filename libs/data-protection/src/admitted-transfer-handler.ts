import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { EventRejectedError, RegsyncBatchContext, RegsyncEventContext } from '@regsync/messaging/register-messaging';
import type { AppliedEvents, KeyOf, Reduce, RegisterStore } from '@regsync/persistence/register-storage';
import { RegisterRejection } from '@regsync/register-domain/register-rules';
import { admittedTransfers, type AdmittedTransfer } from './transfer-admission';
import { TransferLog } from './transfer-log';

/** What a register change did with an admitted event: only a stored transfer is logged. */
export type ChangeOutcome = 'applied' | 'nothing-to-apply';

/**
 * Runs a register change for an admitted event and logs the transfer, both in the inbox transaction, so a
 * transfer is logged exactly when it is applied. A RegisterRejection (e.g. 'subject-deceased') becomes a dead letter.
 */
@Injectable()
export class AdmittedTransferHandler {
  constructor(private readonly transferLog: TransferLog) {}

  /**
   * The apply path of a register kept by a RegisterStore, for the events of an `@EventBatchPattern` call (one event
   * when the applier runs it alone): each event reduced in order onto its subject's row, then the changed rows and the
   * log rows of the events that changed something written in one statement. A RegisterRejection fails the call, so
   * that the applier runs each event alone and dead-letters that one. `alsoLogged`: events that stored something
   * elsewhere in the transaction (a MovedOut that ended a Rückmeldung wait), logged though their row did not change.
   */
  async applyEvents<Row, Stamps extends string, E extends RegsyncEvent>(
    events: readonly E[],
    context: RegsyncBatchContext,
    store: RegisterStore<Row, Stamps>,
    how: { subjectOf: (event: E) => KeyOf<Row>; reduce: Reduce<Row, E>; alsoLogged?: (index: number) => boolean },
  ): Promise<AppliedEvents<Row>> {
    const { alsoLogged = () => false, ...apply } = how;
    const logged = (applied: AppliedEvents<Row>) =>
      this.transferLog.rowsOf(events.flatMap((event, index) => (applied.changed[index] || alsoLogged(index) ? [{ event, transfers: admittedTransfers(context.events[index].admission) }] : [])));
    return rejectionsAsDeadLetters(() => store.applyEvents(context.manager, events, { ...apply, also: logged }));
  }

  /** A change that is not a RegisterStore's: it writes what it stores itself, the log row follows when it stored something. */
  async apply(event: RegsyncEvent, context: RegsyncEventContext, change: (manager: EntityManager, transfers: AdmittedTransfer[]) => Promise<ChangeOutcome>): Promise<ChangeOutcome> {
    const transfers = admittedTransfers(context.admission);
    const outcome = await rejectionsAsDeadLetters(() => change(context.manager, transfers));
    if (outcome === 'applied') await this.transferLog.record(context.manager, event, transfers);
    return outcome;
  }
}

/** A register's refusal of an event (e.g. 'subject-deceased') is permanent: a dead letter with its code. */
async function rejectionsAsDeadLetters<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (error) {
    if (error instanceof RegisterRejection) throw new EventRejectedError(error.code, error.reason);
    throw error;
  }
}

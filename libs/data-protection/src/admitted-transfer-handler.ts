import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { EventRejectedError } from '@regsync/messaging/event-rejected-error';
import { RegsyncBatchContext } from '@regsync/messaging/regsync-batch-context';
import { RegsyncEventContext } from '@regsync/messaging/regsync-event-context';
import type { AppliedEvents, KeyOf, Reduce, RegisterStore } from '@regsync/persistence/register-store/register-store';
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
 * What a register change did with a batch of admitted events: for each event, whether it stores something (only
 * those are logged), and the one write, not yet sent, that stores them all (none when none stores anything).
 */
export interface BatchChangeOutcome {
  stored: boolean[];
  write?: RegisterWrite;
}

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

  async apply(event: RegsyncEvent, context: RegsyncEventContext, change: (manager: EntityManager, transfers: AdmittedTransfer[]) => Promise<ChangeOutcome>): Promise<'applied' | 'nothing-to-apply'> {
    const transfers = admittedTransfers(context.admission);
    const outcome = await rejectionsAsDeadLetters(() => change(context.manager, transfers));
    if (outcome === 'nothing-to-apply') return outcome;
    if (outcome === 'applied') await this.transferLog.record(context.manager, event, transfers);
    else await this.transferLog.recordWithWrite(context.manager, event, transfers, outcome);
    return 'applied';
  }

  /**
   * `apply` for the events of an `@EventBatchPattern` handler: the register write and all log rows in one statement.
   * A RegisterRejection of any event fails the whole batch, so that the per-event fallback dead-letters that one alone.
   */
  async applyAll(events: RegsyncEvent[], context: RegsyncBatchContext, change: (manager: EntityManager) => Promise<BatchChangeOutcome>): Promise<void> {
    const outcome = await rejectionsAsDeadLetters(() => change(context.manager));
    if (!outcome.write) return;
    const applied = events.flatMap((event, index) => (outcome.stored[index] ? [{ event, transfers: admittedTransfers(context.events[index].admission) }] : []));
    await this.transferLog.recordAllWithWrite(context.manager, applied, outcome.write);
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

import type { EntityManager } from 'typeorm';
import type { InformationBlockLifted, InformationBlockSet, MovedOut } from '@regsync/contracts/generated/events';
import type { RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { RegisterStore } from '@regsync/persistence/register-storage';
import type { StoredRow } from '@regsync/persistence/register-storage';
import { informationBlocksTable, type HeldInformationBlock } from '@regsync/persistence/register-table-catalog';
import { applyBlockLift, applyBlockSet, awaitRueckmeldung, rueckmeldungAnswered, rueckmeldungSuperseded, type InformationBlockState } from '@regsync/register-domain/register-rules';
import type { AdmittedTransferHandler } from '../admitted-transfer-handler';

const blocks = new RegisterStore(informationBlocksTable);

/** A change of the block held about one IdNr; undefined leaves it as it is. */
export interface BlockChange {
  idnr: string;
  change: (existing: InformationBlockState | undefined) => InformationBlockState | undefined;
}

/** The block held about one IdNr, locked for the change that follows. */
export async function lockInformationBlock(manager: EntityManager, idnr: string): Promise<InformationBlockState | undefined> {
  const row = await blocks.find(manager, { idnr }, { lock: true });
  return row && stateOf(row);
}

/** The blocks held about these IdNrs, for reads. */
export async function informationBlocksOf(manager: EntityManager, idnrs: readonly (string | null)[]): Promise<Map<string, InformationBlockState>> {
  const wanted = idnrs.filter((idnr): idnr is string => idnr !== null);
  const rows = await blocks.read(manager, wanted.map((idnr) => ({ idnr })));
  return new Map(rows.map((row) => [row.idnr, stateOf(row)]));
}

function stateOf({ idnr: _idnr, updatedAt: _updatedAt, ...state }: StoredRow<HeldInformationBlock, 'updatedAt'>): InformationBlockState {
  return state;
}

/** Stores the block of one IdNr as the Meldebehörde decided it (an agency's set or lift). */
export async function storeInformationBlock(manager: EntityManager, idnr: string, state: InformationBlockState): Promise<void> {
  await blocks.write(manager, [{ ...state, idnr }]);
}

/**
 * Changes the blocks of many IdNrs with one locking read (in IdNr order, so two transactions cannot deadlock) and one
 * write: each change in turn gets the state the one before it left for its IdNr. Returns, per change, whether it
 * changed something.
 */
export async function changeInformationBlocks(manager: EntityManager, changes: readonly BlockChange[]): Promise<boolean[]> {
  const applied = await blocks.applyEvents(manager, changes, { subjectOf: ({ idnr }) => ({ idnr }), reduce: (existing, { idnr, change }) => held(idnr, change(existing)) });
  return applied.changed;
}

function held(idnr: string, state: InformationBlockState | undefined): HeldInformationBlock | undefined {
  return state && { ...state, idnr };
}

/**
 * Sets and lifts received from another Meldebehörde, each applied to what the one before it left, with their
 * transfer-log rows in the same write. Applied only where `register` holds the person (now or formerly, one read for
 * all): a register that never held them stores nothing about them, and logs no transfer.
 */
export async function applyReceivedBlocks<Row extends { idnr: string | null }, Stamps extends string>(
  transfers: AdmittedTransferHandler,
  events: readonly (InformationBlockSet | InformationBlockLifted)[],
  context: RegsyncBatchContext,
  register: RegisterStore<Row, Stamps>,
): Promise<void> {
  const idnrs = [...new Set(events.map(({ idnr }) => idnr))];
  const holds = new Set((await register.read(context.manager, idnrs.map((idnr) => ({ idnr }) as Partial<Row>))).map(({ idnr }) => idnr));
  await transfers.applyEvents(events, context, blocks, {
    subjectOf: ({ idnr }) => ({ idnr }),
    reduce: (existing, event) => {
      if (!holds.has(event.idnr)) return undefined;
      return held(event.idnr, event.envelope.eventType === 'InformationBlockSet' ? applyBlockSet(existing, event as InformationBlockSet) : applyBlockLift(existing, event as InformationBlockLifted));
    },
  });
}

/** The previous residence's MovedOut ends the wait for its answer to the Rückmeldung; only an ended wait is logged. */
export async function applyRueckmeldungAnswers(transfers: AdmittedTransferHandler, events: readonly MovedOut[], context: RegsyncBatchContext): Promise<void> {
  await transfers.applyEvents(events, context, blocks, {
    subjectOf: ({ idnr }) => ({ idnr }),
    reduce: (existing, { idnr, fromMunicipalityKey }) => held(idnr, rueckmeldungAnswered(existing, fromMunicipalityKey)),
  });
}

/**
 * After a registration from elsewhere: reads withhold the new address until the previous Meldebehörde has answered the
 * Rückmeldung (rueckmeldungToAwait). Run in the transaction that stores the registration.
 */
export async function awaitRueckmeldungOf(manager: EntityManager, idnr: string, fromMunicipalityKey: string): Promise<void> {
  await changeInformationBlocks(manager, [{ idnr, change: (existing) => awaitRueckmeldung(existing, fromMunicipalityKey) }]);
}

/** A later move away ends the wait for the Rückmeldung; false: nothing was awaited. */
export async function endRueckmeldungWait(manager: EntityManager, idnr: string): Promise<boolean> {
  const [ended] = await changeInformationBlocks(manager, [{ idnr, change: rueckmeldungSuperseded }]);
  return ended;
}

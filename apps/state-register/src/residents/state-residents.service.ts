import { Injectable, NotFoundException } from '@nestjs/common';
import type { DeathRecorded, InformationBlockLifted, InformationBlockSet, MovedOut, NameChanged, NamesRestated, ResidenceRegistered, ResidenceRestated } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/transfers';
import { applyReceivedBlocks, changeInformationBlocks, type BlockChange } from '@regsync/data-protection/information-block-handling';
import { RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { stateResidentsTable } from '@regsync/persistence/register-table-catalog';
import { assertIdnr } from '@regsync/register-domain/identifiers';
import { awaitRueckmeldung, rueckmeldungAnswered, rueckmeldungSuperseded, rueckmeldungToAwait, applyMovedOutToStateResident, applyResidenceToStateResident, changeStateResidentName, recordStateResidentDeath, type StateResident, restateNames } from '@regsync/register-domain/register-rules';

export type StateResidentEvent = ResidenceRegistered | ResidenceRestated | NameChanged | NamesRestated | DeathRecorded;

/** The Landesmelderegister: a replica kept current by the municipalities' events only. */
@Injectable()
export class StateResidentsService {
  private readonly residents = new RegisterStore(stateResidentsTable);

  constructor(
    private readonly database: AuthorityDatabase,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get land(): string {
    return currentAuthority();
  }

  /**
   * Each event applied to what the one before it left for its IdNr (one locking read, one write with the transfer-log
   * rows), then the Rückmeldung waits of the stored registrations in one read and one write of the blocks.
   */
  async applyEvents(events: StateResidentEvent[], context: RegsyncBatchContext): Promise<void> {
    const land = this.land;
    const applied = await this.transfers.applyEvents(events, context, this.residents, { subjectOf: ({ idnr }) => ({ idnr }), reduce: (existing, event) => stateResidentAfter(existing, event, land) });
    await changeInformationBlocks(
      context.manager,
      events.flatMap((event, index) => (applied.changed[index] && event.envelope.eventType === 'ResidenceRegistered' ? this.followRueckmeldung(event as ResidenceRegistered, applied.after[index]) : [])),
    );
  }

  /**
   * The previous Meldebehörde's answers to the Rückmeldung: each ends the wait for it, then marks the move away. One
   * that only ends a wait still stores something, so it is logged.
   */
  async applyMovesOut(events: MovedOut[], context: RegsyncBatchContext): Promise<void> {
    const land = this.land;
    const answered = await changeInformationBlocks(context.manager, events.map(({ idnr, fromMunicipalityKey }) => ({ idnr, change: (existing) => rueckmeldungAnswered(existing, fromMunicipalityKey) })));
    await this.transfers.applyEvents(events, context, this.residents, {
      subjectOf: ({ idnr }) => ({ idnr }),
      reduce: (existing, movedOut) => applyMovedOutToStateResident(existing, movedOut, land),
      alsoLogged: (index) => answered[index],
    });
  }

  /**
   * A move into the Land from another Land: the mirror withholds the address until the previous Meldebehörde has
   * answered the Rückmeldung (its MovedOut follows any block it passes on). A move out of the Land ends any wait; a
   * registration older than a move away already held (late) starts none.
   */
  private followRueckmeldung(residence: ResidenceRegistered, registered: StateResident | undefined): BlockChange[] {
    const { idnr } = residence;
    if (registered?.status !== 'RESIDENT') return [{ idnr, change: rueckmeldungSuperseded }];
    const awaited = rueckmeldungToAwait(residence.previousAddress?.municipalityKey, { land: this.land });
    return awaited ? [{ idnr, change: (existing) => awaitRueckmeldung(existing, awaited) }] : [];
  }

  /** Blocks from the Meldebehörden: kept where the mirror holds the person (resident or moved away), like a death. */
  async applyInformationBlocks(events: (InformationBlockSet | InformationBlockLifted)[], context: RegsyncBatchContext): Promise<void> {
    await applyReceivedBlocks(this.transfers, events, context, this.residents);
  }

  async get(idnr: string) {
    assertIdnr(idnr);
    const resident = await this.database.transaction((manager) => this.residents.find(manager, { idnr }));
    if (!resident) throw new NotFoundException(`${idnr} is not in the Landesmelderegister ${this.land}`);
    return resident;
  }

  /** Every person of the mirror, by IdNr. */
  async list() {
    return this.database.transaction((manager) => this.residents.list(manager));
  }
}

/**
 * The mirror's row after one event: a registration by its move-in date, a restated registration as one of its move-in
 * date (a drift repair: no previous address, no Rückmeldung to await), a name change, restated names, a death.
 */
function stateResidentAfter(existing: StateResident | undefined, event: StateResidentEvent, land: string): StateResident | undefined {
  switch (event.envelope.eventType) {
    case 'NameChanged':
      return changeStateResidentName(existing, event as NameChanged);
    case 'NamesRestated':
      return restateNames(existing, event as NamesRestated);
    case 'DeathRecorded':
      return recordStateResidentDeath(existing, event as DeathRecorded);
    case 'ResidenceRestated':
      return applyResidenceToStateResident(existing, { ...(event as ResidenceRestated), previousAddress: null }, land);
    default:
      return applyResidenceToStateResident(existing, event as ResidenceRegistered, land);
  }
}

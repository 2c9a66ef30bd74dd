import { Injectable, NotFoundException } from '@nestjs/common';
import type { DeathRecorded, InformationBlockLifted, InformationBlockSet, NameChanged, NamesRestated, ResidenceRegistered, ResidenceRestated } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/transfers';
import { applyReceivedBlocks } from '@regsync/data-protection/information-block-handling';
import { RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { idnrBaseDataTable } from '@regsync/persistence/register-table-catalog';
import { assertIdnr } from '@regsync/register-domain/identifiers';
import { applyResidenceToBaseData, changeBaseDataName, recordBaseDataDeath, type IdnrBaseData, restateNames } from '@regsync/register-domain/register-rules';

export type BaseDataEvent = ResidenceRegistered | ResidenceRestated | NameChanged | NamesRestated | DeathRecorded;

/** Keeps the IdNr base data current from the municipalities' events (§ 139b Abs. 8 AO). */
@Injectable()
export class BaseDataService {
  private readonly baseData = new RegisterStore(idnrBaseDataTable);

  constructor(
    private readonly database: AuthorityDatabase,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  /** Each event applied to what the one before it left for its IdNr; an older move or a restatement of nobody stores nothing and is not logged. */
  async applyEvents(events: BaseDataEvent[], context: RegsyncBatchContext): Promise<void> {
    await this.transfers.applyEvents(events, context, this.baseData, { subjectOf: ({ idnr }) => ({ idnr }), reduce: baseDataAfter });
  }

  /** Auskunftssperren of the base data (§ 139b Abs. 6 Satz 1 Nr. 10 AO), for an IdNr the BZSt holds. */
  async applyInformationBlocks(events: (InformationBlockSet | InformationBlockLifted)[], context: RegsyncBatchContext): Promise<void> {
    await applyReceivedBlocks(this.transfers, events, context, this.baseData);
  }

  async get(idnr: string) {
    assertIdnr(idnr);
    const data = await this.database.transaction((manager) => this.baseData.find(manager, { idnr }));
    if (!data) throw new NotFoundException(`no base data for IdNr ${idnr}`);
    return data;
  }
}

/** The base data after one event: a registration or a restated one by move-in date, a name change, restated names, a death. */
function baseDataAfter(existing: IdnrBaseData | undefined, event: BaseDataEvent): IdnrBaseData | undefined {
  switch (event.envelope.eventType) {
    case 'NameChanged':
      return changeBaseDataName(existing, event as NameChanged);
    case 'NamesRestated':
      return restateNames(existing, event as NamesRestated);
    case 'DeathRecorded':
      return recordBaseDataDeath(existing, event as DeathRecorded);
    default:
      return applyResidenceToBaseData(existing, event as ResidenceRegistered | ResidenceRestated);
  }
}

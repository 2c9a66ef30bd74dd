import { Injectable, NotFoundException } from '@nestjs/common';
import type { ParcelChanged, ParcelLeftMunicipality, ParcelRecorded, ParcelRestated } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/transfers';
import { followUpDraft, Outbox, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { REMOVE_ROW, RegisterStore } from '@regsync/persistence/register-storage';
import { propertyTaxEntriesTable } from '@regsync/persistence/register-table-catalog';
import { assertParcelId } from '@regsync/register-domain/identifiers';
import { applyParcelToPropertyTax, dropsParcel, type PropertyTaxEntry } from '@regsync/register-domain/register-rules';

type ParcelEvent = ParcelRecorded | ParcelChanged | ParcelRestated | ParcelLeftMunicipality;

/** The Grundsteuer roll: takes over the cadastre's parcel facts and announces the new tax base. */
@Injectable()
export class PropertyTaxService {
  private readonly entries = new RegisterStore(propertyTaxEntriesTable);

  constructor(
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  /**
   * Takes over the facts of each recorded, changed or restated parcel and announces the roll's new tax base; drops a
   * parcel that now lies in another municipality, so it is not taxed twice.
   */
  async applyParcelEvents(events: ParcelEvent[], context: RegsyncBatchContext): Promise<void> {
    const municipalityKey = currentAuthority();
    const applied = await this.transfers.applyEvents(events, context, this.entries, {
      subjectOf: ({ parcelId }) => ({ parcelId }),
      reduce: (existing, event) => {
        if (event.envelope.eventType !== 'ParcelLeftMunicipality') return applyParcelToPropertyTax(existing, event as Exclude<ParcelEvent, ParcelLeftMunicipality>);
        return dropsParcel(existing, event as ParcelLeftMunicipality, municipalityKey) ? REMOVE_ROW : existing;
      },
    });
    const announced = events.flatMap((event, index) => (applied.changed[index] && applied.after[index] ? [{ event, entry: applied.after[index] }] : []));
    await this.outbox.appendMany(context.manager, announced.map(({ event, entry }) => taxBaseChanged(event, entry)));
  }

  async get(parcelId: string) {
    assertParcelId(parcelId);
    const entry = await this.database.transaction((manager) => this.entries.find(manager, { parcelId }));
    if (!entry) throw new NotFoundException(`${parcelId} is not in this property-tax roll`);
    return entry;
  }

  async list() {
    return this.database.transaction((manager) => this.entries.list(manager));
  }
}

function taxBaseChanged(event: ParcelEvent, entry: PropertyTaxEntry) {
  return followUpDraft(event, {
    eventType: 'PropertyTaxBaseChanged',
    register: 'GRUNDSTEUER',
    subject: { kind: 'PARCEL', id: entry.parcelId },
    payload: { parcelId: entry.parcelId, municipalityKey: entry.municipalityKey, areaSquareMetres: entry.areaSquareMetres, usage: entry.usage, ownerIdnrs: entry.ownerIdnrs },
  });
}

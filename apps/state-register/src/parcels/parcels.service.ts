import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { Outbox } from '@regsync/messaging/register-messaging';
import { assertParcelId } from '@regsync/register-domain/identifiers';
import { recordParcel, type Parcel } from '@regsync/register-domain/register-rules';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { parcelsTable } from '@regsync/persistence/register-table-catalog';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { RequestTransaction } from '@regsync/service-runtime/request-idempotency';
import { PROPERTY_TAX_ROLLS } from './property-tax-rolls.token';
import type { RecordParcelRequest } from './record-parcel.request';

/**
 * The Liegenschaftskataster: authoritative for parcels; every change is published for the property-tax rolls, and a
 * parcel that now lies in another municipality also tells the one it left (ParcelLeftMunicipality).
 */
@Injectable()
export class ParcelsService {
  private readonly parcels = new RegisterStore(parcelsTable);

  constructor(
    private readonly database: AuthorityDatabase,
    private readonly requestTransaction: RequestTransaction,
    private readonly outbox: Outbox,
    @Inject(PROPERTY_TAX_ROLLS) private readonly rolls: ReadonlySet<string>,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get land(): string {
    return currentAuthority();
  }

  async record(input: RecordParcelRequest, correlationId: string): Promise<{ parcel: Parcel; eventType: string; eventId: string }> {
    return this.requestTransaction.run(async (manager) => {
      const existing = await this.parcels.find(manager, { parcelId: input.parcelId }, { lock: true });
      const { parcel, eventType, leftMunicipality } = recordParcel(existing, input, this.land, this.rolls);
      await this.parcels.write(manager, [parcel]);
      const facts = { parcelId: parcel.parcelId, municipalityKey: parcel.municipalityKey, areaSquareMetres: parcel.areaSquareMetres, usage: parcel.usage, ownerIdnrs: parcel.ownerIdnrs };
      const common = { register: 'LIEGENSCHAFTSKATASTER' as const, subject: { kind: 'PARCEL' as const, id: parcel.parcelId }, correlationId, causationId: null };
      const event =
        eventType === 'ParcelChanged'
          ? await this.outbox.append(manager, { ...common, eventType, legalBasis: SENDER_LEGAL_BASIS.ParcelChanged, payload: { ...facts, changeReason: input.changeReason ?? '' } })
          : await this.outbox.append(manager, { ...common, eventType, legalBasis: SENDER_LEGAL_BASIS.ParcelRecorded, payload: facts });
      if (leftMunicipality) {
        await this.outbox.append(manager, {
          ...common,
          eventType: 'ParcelLeftMunicipality',
          legalBasis: SENDER_LEGAL_BASIS.ParcelLeftMunicipality,
          payload: { parcelId: parcel.parcelId, fromMunicipalityKey: leftMunicipality, toMunicipalityKey: parcel.municipalityKey, changeReason: input.changeReason ?? '' },
        });
      }
      return { parcel, eventType, eventId: event.envelope.eventId };
    });
  }

  async get(parcelId: string): Promise<Parcel> {
    assertParcelId(parcelId);
    const parcel = await this.database.transaction((manager) => this.parcels.find(manager, { parcelId }));
    if (!parcel) throw new NotFoundException(`${parcelId} is not in the Liegenschaftskataster ${this.land}`);
    return parcel;
  }
}

import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { currentAuthority } from '@regsync/persistence/authority-context';
import { Outbox } from '@regsync/messaging/outbox';
import { assertParcelId } from '@regsync/register-domain/parcel-id';
import { recordParcel } from '@regsync/register-domain/registers/parcels';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { RequestTransaction } from '@regsync/service-runtime/idempotency/request-transaction';
import { ParcelEntity } from './parcel.entity';
import { PROPERTY_TAX_ROLLS } from './property-tax-rolls.token';
import type { RecordParcelRequest } from './record-parcel.request';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';

/**
 * The Liegenschaftskataster: authoritative for parcels; every change is published for the property-tax rolls, and a
 * parcel that now lies in another municipality also tells the one it left (ParcelLeftMunicipality).
 */
@Injectable()
export class ParcelsService {
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

  async record(input: RecordParcelRequest, correlationId: string): Promise<{ parcel: ParcelEntity; eventType: string; eventId: string }> {
    return this.requestTransaction.run(async (manager) => {
      const existing = await manager.findOne(ParcelEntity, { where: { parcelId: input.parcelId }, lock: { mode: 'pessimistic_write' } });
      const { parcel, eventType, leftMunicipality } = recordParcel(existing ?? undefined, input, this.land, this.rolls);
      const saved = await manager.save(ParcelEntity, { ...parcel, updatedAt: new Date() });
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
      return { parcel: saved, eventType, eventId: event.envelope.eventId };
    });
  }

  async get(parcelId: string): Promise<ParcelEntity> {
    assertParcelId(parcelId);
    const parcel = await this.database.transaction((manager) => manager.getRepository(ParcelEntity).findOne({ where: { parcelId } }));
    if (!parcel) throw new NotFoundException(`${parcelId} is not in the Liegenschaftskataster ${this.land}`);
    return parcel;
  }
}

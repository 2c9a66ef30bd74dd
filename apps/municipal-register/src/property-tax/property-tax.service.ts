import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ParcelChanged, ParcelRecorded } from '@regsync/contracts/generated/events';
import type { ChangeOutcome } from '@regsync/data-protection/admitted-transfer-handler';
import { Outbox } from '@regsync/messaging/outbox';
import { assertParcelId } from '@regsync/register-domain/parcel-id';
import { applyParcelToPropertyTax } from '@regsync/register-domain/registers/property-tax';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { PropertyTaxEntryEntity } from './property-tax-entry.entity';

/** The Grundsteuer roll: takes over the cadastre's parcel facts and announces the new tax base. */
@Injectable()
export class PropertyTaxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async applyParcel(manager: EntityManager, parcel: ParcelRecorded | (ParcelChanged & { changeReason?: string })): Promise<ChangeOutcome> {
    const existing = await manager.findOne(PropertyTaxEntryEntity, { where: { parcelId: parcel.parcelId }, lock: { mode: 'pessimistic_write' } });
    const entry = applyParcelToPropertyTax(existing ?? undefined, parcel);
    await manager.save(PropertyTaxEntryEntity, { ...entry, updatedAt: new Date() });
    await this.outbox.append(manager, {
      eventType: 'PropertyTaxBaseChanged',
      register: 'GRUNDSTEUER',
      subject: { kind: 'PARCEL', id: entry.parcelId },
      correlationId: parcel.envelope.correlationId,
      causationId: parcel.envelope.eventId,
      legalBasis: SENDER_LEGAL_BASIS.PropertyTaxBaseChanged,
      payload: { parcelId: entry.parcelId, municipalityKey: entry.municipalityKey, areaSquareMetres: entry.areaSquareMetres, usage: entry.usage, ownerIdnrs: entry.ownerIdnrs },
    });
    return 'applied';
  }

  async get(parcelId: string): Promise<PropertyTaxEntryEntity> {
    assertParcelId(parcelId);
    const entry = await this.dataSource.getRepository(PropertyTaxEntryEntity).findOne({ where: { parcelId } });
    if (!entry) throw new NotFoundException(`${parcelId} is not in this property-tax roll`);
    return entry;
  }

  async list(): Promise<PropertyTaxEntryEntity[]> {
    return this.dataSource.getRepository(PropertyTaxEntryEntity).find({ order: { parcelId: 'ASC' } });
  }
}

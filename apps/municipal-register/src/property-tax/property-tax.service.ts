import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { ParcelChanged, ParcelLeftMunicipality, ParcelRecorded } from '@regsync/contracts/generated/events';
import type { ChangeOutcome } from '@regsync/data-protection/admitted-transfer-handler';
import { currentAuthority } from '@regsync/persistence/authority-context';
import { Outbox } from '@regsync/messaging/outbox';
import { assertParcelId } from '@regsync/register-domain/parcel-id';
import { applyParcelToPropertyTax, dropsParcel, type PropertyTaxEntry } from '@regsync/register-domain/registers/property-tax';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { PropertyTaxEntryEntity } from './property-tax-entry.entity';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';

/** The Grundsteuer roll: takes over the cadastre's parcel facts and announces the new tax base. */
@Injectable()
export class PropertyTaxService {
  constructor(
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get municipalityKey(): string {
    return currentAuthority();
  }

  async applyParcel(manager: EntityManager, parcel: ParcelRecorded | (ParcelChanged & { changeReason?: string })): Promise<ChangeOutcome> {
    // One locking read and one plain write: `save` would select the row a second time.
    const [existing] = (await manager.query(SELECT_FOR_UPDATE, [parcel.parcelId])) as PropertyTaxEntry[];
    const entry = applyParcelToPropertyTax(existing, parcel);
    await manager.query(existing ? UPDATE : INSERT, columnValues(entry));
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

  /** The parcel now lies in another municipality: it leaves this roll, so it is not taxed twice. */
  async dropParcel(manager: EntityManager, left: ParcelLeftMunicipality): Promise<ChangeOutcome> {
    const [existing] = (await manager.query(SELECT_FOR_UPDATE, [left.parcelId])) as PropertyTaxEntry[];
    if (!dropsParcel(existing, left, this.municipalityKey)) return 'nothing-to-apply';
    await manager.query('delete from property_tax_entries where parcel_id = $1', [left.parcelId]);
    return 'applied';
  }

  async get(parcelId: string): Promise<PropertyTaxEntryEntity> {
    assertParcelId(parcelId);
    const entry = await this.database.transaction((manager) => manager.getRepository(PropertyTaxEntryEntity).findOne({ where: { parcelId } }));
    if (!entry) throw new NotFoundException(`${parcelId} is not in this property-tax roll`);
    return entry;
  }

  async list(): Promise<PropertyTaxEntryEntity[]> {
    return this.database.transaction((manager) => manager.getRepository(PropertyTaxEntryEntity).find({ order: { parcelId: 'ASC' } }));
  }
}

const SELECT_FOR_UPDATE = `
  select parcel_id as "parcelId", municipality_key as "municipalityKey", area_square_metres::float8 as "areaSquareMetres", usage,
         owner_idnrs as "ownerIdnrs", last_change_reason as "lastChangeReason"
    from property_tax_entries where parcel_id = $1 for update`;

const INSERT = `
  insert into property_tax_entries (parcel_id, municipality_key, area_square_metres, usage, owner_idnrs, last_change_reason, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7)`;

const UPDATE = `
  update property_tax_entries
     set municipality_key = $2, area_square_metres = $3, usage = $4, owner_idnrs = $5, last_change_reason = $6, updated_at = $7
   where parcel_id = $1`;

/** The parameters of INSERT and UPDATE, in their column order (updated_at last). */
function columnValues(entry: PropertyTaxEntry): unknown[] {
  return [entry.parcelId, entry.municipalityKey, entry.areaSquareMetres, entry.usage, JSON.stringify(entry.ownerIdnrs), entry.lastChangeReason, new Date()];
}

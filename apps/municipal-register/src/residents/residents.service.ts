import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { BirthRecorded, DeathRecorded, IdNrAssigned, NameChanged, NamesRestated, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { TransferLog } from '@regsync/data-protection/transfer-log';
import { currentAuthority } from '@regsync/persistence/authority-context';
import { Outbox } from '@regsync/messaging/outbox';
import { formatCalendarDate, parseCalendarDate } from '@regsync/register-domain/calendar-date';
import { blockInForce, rueckmeldungToAwait } from '@regsync/register-domain/registers/information-block';
import { awaitRueckmeldungOf, endRueckmeldungWait, lockInformationBlock } from '@regsync/data-protection/information-blocks/information-block-store';
import { isBirthRegistrationId } from '@regsync/register-domain/registers/birth-registration-id';
import {
  assignIdnrToResident,
  changeResidentName,
  moveIn,
  moveOut,
  recordResidentDeath,
  residentFromBirth,
  type Resident,
} from '@regsync/register-domain/registers/residents';
import { restateNames } from '@regsync/register-domain/registers/restated-names';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { idnrViolation } from '@regsync/register-domain/idnr';
import type { ChangeOutcome } from '@regsync/data-protection/admitted-transfer-handler';
import type { RegisterWrite } from '@regsync/data-protection/register-write';
import { RequestTransaction } from '@regsync/service-runtime/idempotency/request-transaction';
import { passIdnrToBirthRecord } from '../civil-status/birth-record-idnr';
import type { RegisterResidenceRequest } from './register-residence.request';
import { ResidentEntity } from './resident.entity';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';

/** The Melderegister (residents register) of this municipality. */
@Injectable()
export class ResidentsService {
  constructor(
    private readonly database: AuthorityDatabase,
    private readonly requestTransaction: RequestTransaction,
    private readonly outbox: Outbox,
    private readonly transferLog: TransferLog,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get municipalityKey(): string {
    return currentAuthority();
  }

  /** Anmeldung: the person lives here from now on; everyone else learns it from ResidenceRegistered. */
  async registerResidence(input: RegisterResidenceRequest, correlationId: string): Promise<{ resident: Resident; eventId: string }> {
    if (input.address.municipalityKey !== this.municipalityKey) {
      throw new DomainValidationError('address.municipalityKey', `must be this municipality (${this.municipalityKey})`);
    }
    return this.requestTransaction.run(async (manager) => {
      const existing = await this.lockByIdnr(manager, input.idnr);
      const resident = moveIn(existing, input, this.municipalityKey);
      await this.write(manager, existing, resident);
      const awaited = rueckmeldungToAwait(input.previousAddress?.municipalityKey, { municipality: this.municipalityKey });
      // A late Anmeldung (the person has moved on since) leaves the address a former one: nothing to await.
      if (awaited && resident.status === 'RESIDENT') await awaitRueckmeldungOf(manager, input.idnr, awaited);
      const event = await this.outbox.append(manager, {
        eventType: 'ResidenceRegistered',
        register: 'MELDEREGISTER',
        subject: { kind: 'PERSON', id: input.idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.ResidenceRegistered,
        payload: { ...input, previousAddress: input.previousAddress },
      });
      return { resident, eventId: event.envelope.eventId };
    });
  }

  async list(): Promise<ResidentEntity[]> {
    return this.database.transaction((manager) => manager.getRepository(ResidentEntity).find({ order: { id: 'ASC' } }));
  }

  /** By IdNr, or by birth registration id for a newborn whose IdNr has not arrived yet. */
  async get(id: string): Promise<ResidentEntity> {
    if (!isBirthRegistrationId(id)) {
      const rule = idnrViolation(id);
      if (rule) throw new DomainValidationError('idnr', rule);
    }
    const where = isBirthRegistrationId(id) ? { birthRegistrationId: id } : { idnr: id };
    const resident = await this.database.transaction((manager) => manager.getRepository(ResidentEntity).findOne({ where }));
    if (!resident) throw new NotFoundException(`${id} is not in the Melderegister of ${this.municipalityKey}`);
    return resident;
  }

  /** For the Standesamt of the same municipality, which records name changes and deaths of its residents. */
  async currentResident(manager: EntityManager, idnr: string): Promise<ResidentEntity | null> {
    return this.byIdnr(manager, idnr);
  }

  /** The Standesamt's notice of a birth: register the newborn and request its IdNr from the BZSt. */
  async applyBirth(manager: EntityManager, birth: BirthRecorded): Promise<ChangeOutcome> {
    const existing = (await manager.query('select 1 from residents where birth_registration_id = $1', [birth.birthRegistrationId])) as unknown[];
    if (existing.length > 0) return 'nothing-to-apply';
    const resident = residentFromBirth(birth);
    await this.write(manager, undefined, resident);
    await this.outbox.append(manager, {
      eventType: 'IdNrRequested',
      register: 'MELDEREGISTER',
      subject: { kind: 'PERSON', id: birth.birthRegistrationId },
      correlationId: birth.envelope.correlationId,
      causationId: birth.envelope.eventId,
      legalBasis: SENDER_LEGAL_BASIS.IdNrRequested,
      payload: {
        birthRegistrationId: birth.birthRegistrationId,
        familyName: resident.familyName,
        givenNames: resident.givenNames,
        sex: resident.sex,
        dateOfBirth: birth.dateOfBirth,
        placeOfBirth: birth.placeOfBirth,
        address: resident.address,
        requestingMunicipalityKey: this.municipalityKey,
      },
    });
    return 'applied';
  }

  /**
   * The IdNr arrives: store it, pass it to the Standesamt's birth record of this municipality, and announce the
   * newborn's residence under it (Land and BZSt learn the address).
   */
  async applyIdnrAssigned(manager: EntityManager, assigned: IdNrAssigned): Promise<ChangeOutcome> {
    const [existing] = (await manager.query(`${SELECT_RESIDENT} where birth_registration_id = $1 for update`, [assigned.birthRegistrationId])) as StoredResident[];
    if (!existing) return 'nothing-to-apply';
    if (existing.idnr === assigned.idnr) return 'nothing-to-apply';
    const resident = assignIdnrToResident(existing, assigned.idnr);
    await this.write(manager, existing, resident);
    await passIdnrToBirthRecord(manager, assigned.birthRegistrationId, assigned.idnr);
    await this.transferLog.linkIdnr(manager, assigned.birthRegistrationId, assigned.idnr);
    await this.outbox.append(manager, {
      eventType: 'ResidenceRegistered',
      register: 'MELDEREGISTER',
      subject: { kind: 'PERSON', id: assigned.idnr },
      correlationId: assigned.envelope.correlationId,
      causationId: assigned.envelope.eventId,
      legalBasis: SENDER_LEGAL_BASIS.ResidenceRegistered,
      payload: {
        idnr: assigned.idnr,
        familyName: resident.familyName,
        givenNames: resident.givenNames,
        sex: resident.sex,
        dateOfBirth: parseCalendarDate(resident.dateOfBirth),
        address: resident.address,
        movedInOn: parseCalendarDate(resident.movedInOn),
        previousAddress: null,
        dwellingStatus: resident.dwellingStatus,
      },
    });
    return 'applied';
  }

  /** Rückmeldung (§ 33 BMG): the person registered elsewhere, so they moved out of here; tell the Länder. */
  async applyRegistrationElsewhere(manager: EntityManager, residence: ResidenceRegistered): Promise<ChangeOutcome> {
    const existing = await this.lockByIdnr(manager, residence.idnr);
    const resident = moveOut(existing, residence);
    // Even a stale Rückmeldung (the person registered here again since) gets the block: the new municipality's
    // record names this one as the one moved to.
    if (existing) await this.passOnInformationBlock(manager, residence);
    if (!resident || !existing) return 'nothing-to-apply';
    await this.write(manager, existing, resident);
    await endRueckmeldungWait(manager, residence.idnr);
    await this.outbox.append(manager, {
      eventType: 'MovedOut',
      register: 'MELDEREGISTER',
      subject: { kind: 'PERSON', id: residence.idnr },
      correlationId: residence.envelope.correlationId,
      causationId: residence.envelope.eventId,
      legalBasis: SENDER_LEGAL_BASIS.MovedOut,
      payload: { idnr: residence.idnr, movedOutOn: residence.movedInOn, fromMunicipalityKey: this.municipalityKey, toMunicipalityKey: residence.address.municipalityKey },
    });
    return 'applied';
  }

  /**
   * Answer to the Rückmeldung: a block in force here goes to the new municipality and its Land (and again to the BZSt)
   * before the MovedOut, on the person's ordered stream, so the new Meldebehörde holds it from the same move on.
   */
  private async passOnInformationBlock(manager: EntityManager, residence: ResidenceRegistered): Promise<void> {
    const block = blockInForce(await lockInformationBlock(manager, residence.idnr), formatCalendarDate(new Date()));
    if (!block) return;
    await this.outbox.append(manager, {
      eventType: 'InformationBlockSet',
      register: 'MELDEREGISTER',
      subject: { kind: 'PERSON', id: residence.idnr },
      correlationId: residence.envelope.correlationId,
      causationId: residence.envelope.eventId,
      legalBasis: SENDER_LEGAL_BASIS.InformationBlockSet,
      payload: { idnr: residence.idnr, blockKind: block.kind, validUntil: block.validUntil === null ? null : parseCalendarDate(block.validUntil) },
    });
  }

  async applyNameChange(manager: EntityManager, change: NameChanged): Promise<ChangeOutcome> {
    const existing = await this.lockByIdnr(manager, change.idnr);
    const resident = changeResidentName(existing, change);
    if (!resident || !existing) return 'nothing-to-apply';
    return this.pendingWrite(existing, resident);
  }

  /** A drift repair of the names from the own Standesamt (NamesRestated). */
  async applyNamesRestated(manager: EntityManager, names: NamesRestated): Promise<ChangeOutcome> {
    const existing = await this.lockByIdnr(manager, names.idnr);
    const resident = restateNames(existing, names);
    if (!resident || !existing) return 'nothing-to-apply';
    return this.pendingWrite(existing, resident);
  }

  /** Every Standesamt's deaths reach every Melderegister; one that never held the person stores (and logs) nothing. */
  async applyDeath(manager: EntityManager, death: DeathRecorded): Promise<ChangeOutcome> {
    const existing = await this.lockByIdnr(manager, death.idnr);
    const resident = recordResidentDeath(existing, death);
    if (!resident || !existing) return 'nothing-to-apply';
    return this.pendingWrite(existing, resident);
  }

  private byIdnr(manager: EntityManager, idnr: string): Promise<ResidentEntity | null> {
    return manager.findOne(ResidentEntity, { where: { idnr } });
  }

  /** The hot paths' read (agency writes, event handlers): one locking select, without the entity machinery. */
  private async lockByIdnr(manager: EntityManager, idnr: string): Promise<StoredResident | undefined> {
    const [existing] = (await manager.query(`${SELECT_RESIDENT} where idnr = $1 for update`, [idnr])) as StoredResident[];
    return existing;
  }

  /** The hot paths' write: one plain update of the locked row, or one insert (`save` would select it again). */
  private async write(manager: EntityManager, existing: StoredResident | undefined, resident: Resident): Promise<void> {
    const { sql, parameters } = this.pendingWrite(existing, resident);
    await manager.query(sql, parameters);
  }

  /** That write, for the transfer handler to send with the transfer log rows. */
  private pendingWrite(existing: StoredResident | undefined, resident: Resident): RegisterWrite {
    const values = columnValues(resident);
    return existing ? { sql: UPDATE_RESIDENT, parameters: [...values, existing.id] } : { sql: INSERT_RESIDENT, parameters: values };
  }
}

/** A row of the Melderegister as the event handlers read it. */
type StoredResident = Resident & { id: string };

const SELECT_RESIDENT = `
  select id, idnr, birth_registration_id as "birthRegistrationId", family_name as "familyName", given_names as "givenNames", sex,
         to_char(date_of_birth, 'YYYY-MM-DD') as "dateOfBirth", place_of_birth as "placeOfBirth", address,
         dwelling_status as "dwellingStatus", to_char(moved_in_on, 'YYYY-MM-DD') as "movedInOn", status, to_char(moved_out_on, 'YYYY-MM-DD') as "movedOutOn",
         moved_out_to as "movedOutTo", marital_status as "maritalStatus", to_char(date_of_death, 'YYYY-MM-DD') as "dateOfDeath",
         place_of_death as "placeOfDeath"
    from residents`;

const INSERT_RESIDENT = `
  insert into residents (idnr, birth_registration_id, family_name, given_names, sex, date_of_birth, place_of_birth, address, dwelling_status,
                         moved_in_on, status, moved_out_on, moved_out_to, marital_status, date_of_death, place_of_death, updated_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`;

const UPDATE_RESIDENT = `
  update residents
     set idnr = $1, birth_registration_id = $2, family_name = $3, given_names = $4, sex = $5, date_of_birth = $6, place_of_birth = $7,
         address = $8, dwelling_status = $9, moved_in_on = $10, status = $11, moved_out_on = $12, moved_out_to = $13,
         marital_status = $14, date_of_death = $15, place_of_death = $16, updated_at = $17
   where id = $18`;

/** The parameters of INSERT_RESIDENT and UPDATE_RESIDENT, in their column order (updated_at last). */
function columnValues(resident: Resident): unknown[] {
  return [
    resident.idnr,
    resident.birthRegistrationId,
    resident.familyName,
    resident.givenNames,
    resident.sex,
    resident.dateOfBirth,
    resident.placeOfBirth,
    JSON.stringify(resident.address),
    resident.dwellingStatus,
    resident.movedInOn,
    resident.status,
    resident.movedOutOn,
    resident.movedOutTo,
    resident.maritalStatus,
    resident.dateOfDeath,
    resident.placeOfDeath,
    new Date(),
  ];
}

import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { currentAuthority } from '@regsync/persistence/authority-context';
import { Outbox } from '@regsync/messaging/outbox';
import { idnrViolation } from '@regsync/register-domain/idnr';
import { birthRegistrationId, birthRegistrationIdViolation, isBirthRegistrationId } from '@regsync/register-domain/registers/birth-registration-id';
import { recordBirth, recordDeath, recordNameChange, type CivilStatusRecord, type KnownPerson } from '@regsync/register-domain/registers/civil-status';
import { RegisterRejection, rejectIfDeceased } from '@regsync/register-domain/registers/register-rejection';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { RequestTransaction } from '@regsync/service-runtime/idempotency/request-transaction';
import { ResidentsService } from '../residents/residents.service';
import { CivilStatusRecordEntity } from './civil-status-record.entity';
import type { RecordBirthRequest, RecordDeathRequest, RecordNameChangeRequest } from './civil-status.requests';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';

/** The Personenstandsregister: what the Standesamt certifies (births, name changes, deaths) and publishes. */
@Injectable()
export class CivilStatusService {
  constructor(
    private readonly database: AuthorityDatabase,
    private readonly requestTransaction: RequestTransaction,
    private readonly outbox: Outbox,
    private readonly residents: ResidentsService,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get municipalityKey(): string {
    return currentAuthority();
  }

  /**
   * A birth the Standesamt numbered itself is recorded once: the unique birth registration id refuses the second
   * (and so no second child and no second IdNr request), even for two requests at the same moment.
   */
  async recordBirth(request: RecordBirthRequest, correlationId: string): Promise<{ record: CivilStatusRecord; eventId: string }> {
    const { birthRegistrationId: numbered, ...input } = request;
    if (input.residence.municipalityKey !== this.municipalityKey) {
      throw new DomainValidationError('residence.municipalityKey', `must be this municipality (${this.municipalityKey}); the Standesamt of the residence records the birth`);
    }
    const rule = numbered === undefined ? undefined : birthRegistrationIdViolation(numbered, this.municipalityKey);
    if (rule) throw new DomainValidationError('birthRegistrationId', rule);
    return this.requestTransaction.run(async (manager) => {
      const id = numbered ?? (await this.nextBirthRegistrationId(manager));
      const record = await this.insertBirth(manager, recordBirth(id, input));
      const event = await this.outbox.append(manager, {
        eventType: 'BirthRecorded',
        register: 'PERSONENSTANDSREGISTER',
        subject: { kind: 'PERSON', id },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.BirthRecorded,
        payload: { birthRegistrationId: id, ...input },
      });
      return { record, eventId: event.envelope.eventId };
    });
  }

  async recordNameChange(input: RecordNameChangeRequest, correlationId: string): Promise<{ record: CivilStatusRecord; eventId: string }> {
    return this.requestTransaction.run(async (manager) => {
      const person = await this.residentHere(manager, input.idnr);
      const existing = await this.byIdnr(manager, input.idnr);
      const { record, previousFamilyName } = recordNameChange(existing ?? undefined, person, input);
      const saved = await this.save(manager, existing, record);
      const event = await this.outbox.append(manager, {
        eventType: 'NameChanged',
        register: 'PERSONENSTANDSREGISTER',
        subject: { kind: 'PERSON', id: input.idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.NameChanged,
        payload: { ...input, maritalStatus: record.maritalStatus, previousFamilyName },
      });
      return { record: saved, eventId: event.envelope.eventId };
    });
  }

  async recordDeath(input: RecordDeathRequest, correlationId: string): Promise<{ record: CivilStatusRecord; eventId: string }> {
    return this.requestTransaction.run(async (manager) => {
      const person = await this.residentHere(manager, input.idnr);
      const existing = await this.byIdnr(manager, input.idnr);
      const saved = await this.save(manager, existing, recordDeath(existing ?? undefined, person, input));
      const event = await this.outbox.append(manager, {
        eventType: 'DeathRecorded',
        register: 'PERSONENSTANDSREGISTER',
        subject: { kind: 'PERSON', id: input.idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.DeathRecorded,
        payload: input,
      });
      return { record: saved, eventId: event.envelope.eventId };
    });
  }

  /** By birth registration id or IdNr; a newborn's birth record carries its IdNr once assigned (birth-record-idnr.ts). */
  async get(id: string): Promise<CivilStatusRecordEntity> {
    const rule = isBirthRegistrationId(id) ? undefined : idnrViolation(id);
    if (rule) throw new DomainValidationError('id', `must be an IdNr or a birth registration id (${rule})`);
    const where = isBirthRegistrationId(id) ? { birthRegistrationId: id } : { idnr: id };
    return this.found(await this.database.transaction((manager) => manager.getRepository(CivilStatusRecordEntity).findOne({ where })), id);
  }

  /** The Standesamt records changes for residents of its municipality; it knows them from the Melderegister. */
  private async residentHere(manager: EntityManager, idnr: string): Promise<KnownPerson> {
    const resident = await this.residents.currentResident(manager, idnr);
    rejectIfDeceased(resident, idnr);
    if (!resident || resident.status !== 'RESIDENT' || resident.idnr === null) {
      throw new DomainValidationError('idnr', `is not a resident of this municipality (${this.municipalityKey})`);
    }
    return { ...resident, idnr: resident.idnr };
  }

  /** Finds a birth record of this Standesamt too: it carries the IdNr since the IdNr was assigned. */
  private byIdnr(manager: EntityManager, idnr: string): Promise<CivilStatusRecordEntity | null> {
    return manager.findOne(CivilStatusRecordEntity, { where: { idnr }, lock: { mode: 'pessimistic_write' } });
  }

  private found(record: CivilStatusRecordEntity | null, id: string): CivilStatusRecordEntity {
    if (!record) throw new NotFoundException(`${id} is not in the Personenstandsregister of ${this.municipalityKey}`);
    return record;
  }

  /** The next number of this Standesamt's own sequence that no number the Standesamt sent has taken. */
  private async nextBirthRegistrationId(manager: EntityManager): Promise<string> {
    for (;;) {
      const [{ sequence }] = (await manager.query(`select nextval('birth_registration_sequence') as sequence`)) as { sequence: string }[];
      const id = birthRegistrationId(this.municipalityKey, new Date().getUTCFullYear(), Number(sequence));
      if (!(await manager.exists(CivilStatusRecordEntity, { where: { birthRegistrationId: id } }))) return id;
    }
  }

  private async insertBirth(manager: EntityManager, record: CivilStatusRecord): Promise<CivilStatusRecordEntity> {
    try {
      return await manager.save(CivilStatusRecordEntity, { ...record, updatedAt: new Date() });
    } catch (error) {
      const violated = error instanceof QueryFailedError ? (error.driverError as { code?: string; constraint?: string }) : undefined;
      if (violated?.code !== '23505' || violated.constraint !== 'civil_status_records_birth_registration_id_key') throw error;
      throw new RegisterRejection('birth-already-recorded', `${record.birthRegistrationId} is already recorded in the Geburtenregister of ${this.municipalityKey}; it is not recorded twice`);
    }
  }

  private save(manager: EntityManager, existing: CivilStatusRecordEntity | null, record: CivilStatusRecord): Promise<CivilStatusRecordEntity> {
    return manager.save(CivilStatusRecordEntity, { ...record, ...(existing ? { id: existing.id } : {}), updatedAt: new Date() });
  }
}

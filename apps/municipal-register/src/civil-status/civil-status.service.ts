import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { Outbox } from '@regsync/messaging/register-messaging';
import { idnrViolation, birthRegistrationId, birthRegistrationIdViolation, isBirthRegistrationId } from '@regsync/register-domain/identifiers';
import { recordBirth, recordDeath, recordNameChange, type CivilStatusRecord, type KnownPerson, RegisterRejection, rejectIfDeceased } from '@regsync/register-domain/register-rules';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { RequestTransaction } from '@regsync/service-runtime/request-idempotency';
import { ResidentsService } from '../residents/residents.service';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { civilStatusRecordsTable } from '@regsync/persistence/register-table-catalog';
import type { RecordBirthRequest, RecordDeathRequest, RecordNameChangeRequest } from './civil-status.requests';

/** The Personenstandsregister: what the Standesamt certifies (births, name changes, deaths) and publishes. */
@Injectable()
export class CivilStatusService {
  private readonly records = new RegisterStore(civilStatusRecordsTable);

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
      const record = recordBirth(id, input);
      await this.insertBirth(manager, record);
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
      let previousFamilyName = '';
      const record = await this.change(manager, input.idnr, (existing) => {
        const changed = recordNameChange(existing, person, input);
        previousFamilyName = changed.previousFamilyName;
        return changed.record;
      });
      const event = await this.outbox.append(manager, {
        eventType: 'NameChanged',
        register: 'PERSONENSTANDSREGISTER',
        subject: { kind: 'PERSON', id: input.idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.NameChanged,
        payload: { ...input, maritalStatus: record.maritalStatus, previousFamilyName },
      });
      return { record, eventId: event.envelope.eventId };
    });
  }

  async recordDeath(input: RecordDeathRequest, correlationId: string): Promise<{ record: CivilStatusRecord; eventId: string }> {
    return this.requestTransaction.run(async (manager) => {
      const person = await this.residentHere(manager, input.idnr);
      const record = await this.change(manager, input.idnr, (existing) => recordDeath(existing, person, input));
      const event = await this.outbox.append(manager, {
        eventType: 'DeathRecorded',
        register: 'PERSONENSTANDSREGISTER',
        subject: { kind: 'PERSON', id: input.idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.DeathRecorded,
        payload: input,
      });
      return { record, eventId: event.envelope.eventId };
    });
  }

  /** By birth registration id or IdNr; a newborn's birth record carries its IdNr once assigned (birth-record-idnr.ts). */
  async get(id: string): Promise<CivilStatusRecord> {
    const rule = isBirthRegistrationId(id) ? undefined : idnrViolation(id);
    if (rule) throw new DomainValidationError('id', `must be an IdNr or a birth registration id (${rule})`);
    const key = isBirthRegistrationId(id) ? { birthRegistrationId: id } : { idnr: id };
    const record = await this.database.transaction((manager) => this.records.find(manager, key));
    if (!record) throw new NotFoundException(`${id} is not in the Personenstandsregister of ${this.municipalityKey}`);
    return record;
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

  /** The record of `idnr` (a birth record of this Standesamt carries it since the IdNr was assigned), locked and changed. */
  private async change(manager: EntityManager, idnr: string, after: (existing: CivilStatusRecord | undefined) => CivilStatusRecord): Promise<CivilStatusRecord> {
    const applied = await this.records.applyEvents(manager, [idnr], { subjectOf: () => ({ idnr }), reduce: (existing) => after(existing) });
    return applied.after[0]!;
  }

  /** The next number of this Standesamt's own sequence that no number the Standesamt sent has taken. */
  private async nextBirthRegistrationId(manager: EntityManager): Promise<string> {
    for (;;) {
      const [{ sequence }] = (await manager.query(`select nextval('birth_registration_sequence') as sequence`)) as { sequence: string }[];
      const id = birthRegistrationId(this.municipalityKey, new Date().getUTCFullYear(), Number(sequence));
      if (!(await this.records.find(manager, { birthRegistrationId: id }))) return id;
    }
  }

  /** The unique birth registration id refuses a second record of the same birth. */
  private async insertBirth(manager: EntityManager, record: CivilStatusRecord): Promise<void> {
    if ((await this.records.insertNew(manager, [record])).length === 0) {
      throw new RegisterRejection('birth-already-recorded', `${record.birthRegistrationId} is already recorded in the Geburtenregister of ${this.municipalityKey}; it is not recorded twice`);
    }
  }
}

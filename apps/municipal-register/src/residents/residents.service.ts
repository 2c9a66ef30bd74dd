import { Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { BirthRecorded, DeathRecorded, IdNrAssigned, NameChanged, NamesRestated, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler, TransferLog } from '@regsync/data-protection/transfers';
import { followUpDraft, Outbox, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { residentsTable } from '@regsync/persistence/register-table-catalog';
import { formatCalendarDate, parseCalendarDate } from '@regsync/register-domain/calendar-date';
import { blockInForce, rueckmeldungToAwait, assignIdnrToResident, changeResidentName, moveIn, moveOut, recordResidentDeath, residentFromBirth, type Resident, restateNames } from '@regsync/register-domain/register-rules';
import { awaitRueckmeldungOf, endRueckmeldungWait, lockInformationBlock } from '@regsync/data-protection/information-block-handling';
import { isBirthRegistrationId, idnrViolation } from '@regsync/register-domain/identifiers';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { RequestTransaction } from '@regsync/service-runtime/request-idempotency';
import { passIdnrToBirthRecord } from '../civil-status/birth-record-idnr';
import { endSecondaryResidencesOfTheDeceased } from '../secondary-residences/secondary-residences-of-the-deceased';
import type { RegisterResidenceRequest } from './register-residence.request';

/** What the Standesamt of the same municipality tells the Melderegister about its residents. */
export type ResidentChange = NameChanged | NamesRestated | DeathRecorded;

/** The Melderegister (residents register) of this municipality. */
@Injectable()
export class ResidentsService {
  private readonly residents = new RegisterStore(residentsTable);

  constructor(
    private readonly database: AuthorityDatabase,
    private readonly requestTransaction: RequestTransaction,
    private readonly outbox: Outbox,
    private readonly transferLog: TransferLog,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get municipalityKey(): string {
    return currentAuthority();
  }

  /** Anmeldung: the person lives here from now on; everyone else learns it from ResidenceRegistered. */
  async registerResidence(input: RegisterResidenceRequest, correlationId: string): Promise<{ resident: Resident; eventId: string }> {
    const municipalityKey = this.municipalityKey;
    if (input.address.municipalityKey !== municipalityKey) {
      throw new DomainValidationError('address.municipalityKey', `must be this municipality (${municipalityKey})`);
    }
    return this.requestTransaction.run(async (manager) => {
      const { after } = await this.residents.applyEvents(manager, [input], { subjectOf: ({ idnr }) => ({ idnr }), reduce: (existing) => moveIn(existing, input, municipalityKey) });
      const resident = after[0]!;
      const awaited = rueckmeldungToAwait(input.previousAddress?.municipalityKey, { municipality: municipalityKey });
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

  /** Every person in this Melderegister, in the order they were registered. */
  async list() {
    return this.database.transaction((manager) => this.residents.list(manager));
  }

  /** By IdNr, or by birth registration id for a newborn whose IdNr has not arrived yet. */
  async get(id: string) {
    if (!isBirthRegistrationId(id)) {
      const rule = idnrViolation(id);
      if (rule) throw new DomainValidationError('idnr', rule);
    }
    const key = isBirthRegistrationId(id) ? { birthRegistrationId: id } : { idnr: id };
    const resident = await this.database.transaction((manager) => this.residents.find(manager, key));
    if (!resident) throw new NotFoundException(`${id} is not in the Melderegister of ${this.municipalityKey}`);
    return resident;
  }

  /** For the Standesamt of the same municipality, which records name changes and deaths of its residents. */
  async currentResident(manager: EntityManager, idnr: string): Promise<Resident | undefined> {
    return this.residents.find(manager, { idnr });
  }

  /** The Standesamt's notices of births: register each newborn and request its IdNr from the BZSt. */
  async applyBirths(births: BirthRecorded[], context: RegsyncBatchContext): Promise<void> {
    const applied = await this.transfers.applyEvents(births, context, this.residents, {
      subjectOf: ({ birthRegistrationId }) => ({ birthRegistrationId }),
      reduce: (existing, birth) => existing ?? residentFromBirth(birth),
    });
    for (const [index, birth] of births.entries()) {
      const resident = applied.after[index];
      if (!applied.changed[index] || !resident) continue;
      await this.outbox.append(context.manager, followUpDraft(birth, {
        eventType: 'IdNrRequested',
        register: 'MELDEREGISTER',
        subject: { kind: 'PERSON', id: birth.birthRegistrationId },
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
      }));
    }
  }

  /**
   * The IdNrs arrive: store each, pass it to the Standesamt's birth record of this municipality, and announce the
   * newborn's residence under it (Land and BZSt learn the address).
   */
  async applyIdnrAssignments(assignments: IdNrAssigned[], context: RegsyncBatchContext): Promise<void> {
    const { manager } = context;
    const applied = await this.transfers.applyEvents(assignments, context, this.residents, {
      subjectOf: ({ birthRegistrationId }) => ({ birthRegistrationId }),
      reduce: (existing, assigned) => (!existing || existing.idnr === assigned.idnr ? existing : assignIdnrToResident(existing, assigned.idnr)),
    });
    for (const [index, assigned] of assignments.entries()) {
      const resident = applied.after[index];
      if (!applied.changed[index] || !resident) continue;
      await passIdnrToBirthRecord(manager, assigned.birthRegistrationId, assigned.idnr);
      await this.transferLog.linkIdnr(manager, assigned.birthRegistrationId, assigned.idnr);
      await this.outbox.append(manager, followUpDraft(assigned, {
        eventType: 'ResidenceRegistered',
        register: 'MELDEREGISTER',
        subject: { kind: 'PERSON', id: assigned.idnr },
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
      }));
    }
  }

  /** Rückmeldung (§ 33 BMG): the persons registered elsewhere, so they moved out of here; tell the Länder. */
  async applyRegistrationsElsewhere(registrations: ResidenceRegistered[], context: RegsyncBatchContext): Promise<void> {
    const { manager } = context;
    const applied = await this.transfers.applyEvents(registrations, context, this.residents, { subjectOf: ({ idnr }) => ({ idnr }), reduce: moveOut });
    for (const [index, residence] of registrations.entries()) {
      // Even a stale Rückmeldung (the person registered here again since) gets the block: the new municipality's
      // record names this one as the one moved to.
      if (applied.before[index]) await this.passOnInformationBlock(manager, residence);
      if (!applied.changed[index]) continue;
      await endRueckmeldungWait(manager, residence.idnr);
      await this.outbox.append(manager, followUpDraft(residence, {
        eventType: 'MovedOut',
        register: 'MELDEREGISTER',
        subject: { kind: 'PERSON', id: residence.idnr },
        payload: { idnr: residence.idnr, movedOutOn: residence.movedInOn, fromMunicipalityKey: this.municipalityKey, toMunicipalityKey: residence.address.municipalityKey },
      }));
    }
  }

  /**
   * Answer to the Rückmeldung: a block in force here goes to the new municipality and its Land (and again to the BZSt)
   * before the MovedOut, on the person's ordered stream, so the new Meldebehörde holds it from the same move on.
   */
  private async passOnInformationBlock(manager: EntityManager, residence: ResidenceRegistered): Promise<void> {
    const block = blockInForce(await lockInformationBlock(manager, residence.idnr), formatCalendarDate(new Date()));
    if (!block) return;
    await this.outbox.append(manager, followUpDraft(residence, {
      eventType: 'InformationBlockSet',
      register: 'MELDEREGISTER',
      subject: { kind: 'PERSON', id: residence.idnr },
      payload: { idnr: residence.idnr, blockKind: block.kind, validUntil: block.validUntil === null ? null : parseCalendarDate(block.validUntil) },
    }));
  }

  /**
   * Name changes, restated names (a drift repair from the own Standesamt) and deaths, each applied to what the one
   * before it left; a death also ends the person's Nebenwohnungen here. Every Standesamt's deaths reach every
   * Melderegister; one that never held the person stores (and logs) nothing.
   */
  async applyChanges(changes: ResidentChange[], context: RegsyncBatchContext): Promise<void> {
    const deaths = changes.filter((change): change is DeathRecorded => change.envelope.eventType === 'DeathRecorded');
    const endedNebenwohnungen = await endSecondaryResidencesOfTheDeceased(context.manager, deaths);
    await this.transfers.applyEvents(changes, context, this.residents, {
      subjectOf: ({ idnr }) => ({ idnr }),
      reduce: residentAfter,
      alsoLogged: (index) => changes[index].envelope.eventType === 'DeathRecorded' && endedNebenwohnungen.has(changes[index].idnr),
    });
  }
}

function residentAfter(existing: Resident | undefined, change: ResidentChange): Resident | undefined {
  switch (change.envelope.eventType) {
    case 'NameChanged':
      return changeResidentName(existing, change as NameChanged);
    case 'NamesRestated':
      return restateNames(existing, change as NamesRestated);
    default:
      return recordResidentDeath(existing, change as DeathRecorded);
  }
}

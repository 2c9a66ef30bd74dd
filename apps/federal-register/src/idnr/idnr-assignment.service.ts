import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { IdNrRequested } from '@regsync/contracts/generated/events';
import { followUpDraft, Outbox } from '@regsync/messaging/register-messaging';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { baseDataForNewborn } from '@regsync/register-domain/register-rules';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { idnrBaseDataTable } from '@regsync/persistence/register-table-catalog';

const MAX_ATTEMPTS = 10;

/** § 139b AO: the BZSt assigns every IdNr once, to one person, and tells the requesting Meldebehörde. */
@Injectable()
export class IdnrAssignmentService {
  private readonly baseData = new RegisterStore(idnrBaseDataTable);

  constructor(private readonly outbox: Outbox) {}

  /** Returns the IdNr of the newborn; a repeated request for the same birth gets the same IdNr again, never a second. */
  async assign(manager: EntityManager, request: IdNrRequested): Promise<string> {
    const [known] = await this.baseData.readBy(manager, 'birthRegistrationId', [request.birthRegistrationId]);
    const idnr = known?.idnr ?? (await this.insertWithFreshIdnr(manager, request));
    await this.outbox.append(manager, followUpDraft(request, {
      eventType: 'IdNrAssigned',
      register: 'IDNR_BASISDATEN',
      subject: { kind: 'PERSON', id: request.birthRegistrationId },
      payload: { birthRegistrationId: request.birthRegistrationId, idnr, requestingMunicipalityKey: request.requestingMunicipalityKey },
    }));
    return idnr;
  }

  /** The primary key decides uniqueness: a drawn IdNr that exists already is skipped (ON CONFLICT) and drawn again. */
  private async insertWithFreshIdnr(manager: EntityManager, request: IdNrRequested): Promise<string> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const record = baseDataForNewborn(request, generateIdnr());
      if ((await this.baseData.insertNew(manager, [record])).length === 1) return record.idnr;
    }
    throw new Error(`no free IdNr found in ${MAX_ATTEMPTS} draws`);
  }
}

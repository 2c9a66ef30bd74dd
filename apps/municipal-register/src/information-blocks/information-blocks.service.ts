import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { InformationBlockLifted, InformationBlockSet, MovedOut } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler } from '@regsync/data-protection/transfers';
import { applyReceivedBlocks, applyRueckmeldungAnswers, informationBlocksOf, lockInformationBlock, storeInformationBlock } from '@regsync/data-protection/information-block-handling';
import { RegsyncBatchContext, Outbox } from '@regsync/messaging/register-messaging';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { residentsTable } from '@regsync/persistence/register-table-catalog';
import { currentAuthority } from '@regsync/persistence/authority-scope';
import { applyBlockLift, applyBlockSet, type InformationBlockState, RegisterRejection } from '@regsync/register-domain/register-rules';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { RequestTransaction } from '@regsync/service-runtime/request-idempotency';
import type { LiftInformationBlockRequest, SetInformationBlockRequest } from './information-block.requests';

export interface BlockChangeAnswer {
  idnr: string;
  informationBlock: { kind: string | null; validUntil: string | null };
  eventId: string;
}

/** Auskunftssperren and bedingte Sperrvermerke of this Meldebehörde's residents (§§ 51, 52 BMG). */
@Injectable()
export class InformationBlocksService {
  private readonly residents = new RegisterStore(residentsTable);

  constructor(
    private readonly requestTransaction: RequestTransaction,
    private readonly outbox: Outbox,
    private readonly transfers: AdmittedTransferHandler,
  ) {}

  /** The hosted authority this request or event acts for. */
  private get municipalityKey(): string {
    return currentAuthority();
  }

  /** Only the Meldebehörde the person lives in sets a block; every register holding the person follows by events. */
  async set(input: SetInformationBlockRequest, agency: string, correlationId: string): Promise<BlockChangeAnswer> {
    return this.requestTransaction.run(async (manager) => {
      await this.assertResident(manager, input.idnr);
      const existing = await lockInformationBlock(manager, input.idnr);
      const event = await this.outbox.append(manager, {
        eventType: 'InformationBlockSet',
        register: 'MELDEREGISTER',
        subject: { kind: 'PERSON', id: input.idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.InformationBlockSet,
        payload: { idnr: input.idnr, blockKind: input.kind, validUntil: input.validUntil },
      });
      // undefined: the same block is held already; the event is sent anyway, so a register that missed it gets it.
      const state = applyBlockSet(existing, event) ?? existing!;
      await storeInformationBlock(manager, input.idnr, state);
      await this.audit(manager, 'SET', input.idnr, state, agency, correlationId, event.envelope.eventId, input.reasonCategory);
      return { idnr: input.idnr, informationBlock: { kind: state.kind, validUntil: state.validUntil }, eventId: event.envelope.eventId };
    });
  }

  async lift(idnr: string, input: LiftInformationBlockRequest, agency: string, correlationId: string): Promise<BlockChangeAnswer> {
    return this.requestTransaction.run(async (manager) => {
      await this.assertResident(manager, idnr);
      const existing = await lockInformationBlock(manager, idnr);
      if (existing?.kind !== input.kind) {
        throw new RegisterRejection('no-such-block', `${idnr} has no ${input.kind} in the Melderegister of ${this.municipalityKey}`);
      }
      const event = await this.outbox.append(manager, {
        eventType: 'InformationBlockLifted',
        register: 'MELDEREGISTER',
        subject: { kind: 'PERSON', id: idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.InformationBlockLifted,
        payload: { idnr, blockKind: input.kind },
      });
      const state = applyBlockLift(existing, event) ?? existing;
      await storeInformationBlock(manager, idnr, state);
      await this.audit(manager, 'LIFTED', idnr, { ...existing, kind: input.kind }, agency, correlationId, event.envelope.eventId, null);
      return { idnr, informationBlock: { kind: state.kind, validUntil: state.validUntil }, eventId: event.envelope.eventId };
    });
  }

  /** The block held and who set or lifted it when, newest first. */
  async history(manager: EntityManager, idnr: string): Promise<{ informationBlock: InformationBlockState | null; audit: unknown[] }> {
    const audit = (await manager.query(
      `select action, kind, reason_category as "reasonCategory", to_char(valid_until, 'YYYY-MM-DD') as "validUntil", agency,
              correlation_id as "correlationId", event_id as "eventId", recorded_at as "recordedAt"
         from information_block_audit where idnr = $1 order by id desc`,
      [idnr],
    )) as unknown[];
    return { informationBlock: (await informationBlocksOf(manager, [idnr])).get(idnr) ?? null, audit };
  }

  /** Blocks from other Meldebehörden: kept if this register holds the person, now or as a former resident. */
  async applyReceived(events: (InformationBlockSet | InformationBlockLifted)[], context: RegsyncBatchContext): Promise<void> {
    await applyReceivedBlocks(this.transfers, events, context, this.residents);
  }

  /** The previous residences answered the Rückmeldung: from now on reads show the address unless a block arrived. */
  async applyRueckmeldungAnswers(events: MovedOut[], context: RegsyncBatchContext): Promise<void> {
    await applyRueckmeldungAnswers(this.transfers, events, context);
  }

  private async assertResident(manager: EntityManager, idnr: string): Promise<void> {
    const row = await this.residents.find(manager, { idnr }, { lock: true });
    if (!row) throw new RegisterRejection('unknown-subject', `${idnr} is not in the Melderegister of ${this.municipalityKey}`);
    if (row.status !== 'RESIDENT') {
      throw new RegisterRejection('not-resident', `${idnr} is ${row.status} here; the Meldebehörde of the current residence decides on blocks`);
    }
  }

  private async audit(
    manager: EntityManager,
    action: 'SET' | 'LIFTED',
    idnr: string,
    state: InformationBlockState,
    agency: string,
    correlationId: string,
    eventId: string,
    reasonCategory: string | null,
  ): Promise<void> {
    await manager.query(
      `insert into information_block_audit (idnr, action, kind, reason_category, valid_until, agency, correlation_id, event_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [idnr, action, state.kind, reasonCategory, state.validUntil, agency, correlationId, eventId],
    );
  }
}

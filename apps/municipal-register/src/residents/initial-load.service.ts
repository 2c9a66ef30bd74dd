import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentAuthority } from '@regsync/persistence/authority-scope';
import { Outbox } from '@regsync/messaging/register-messaging';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { residentsTable } from '@regsync/persistence/register-table-catalog';
import { moveIn } from '@regsync/register-domain/register-rules';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { throwIfViolations, type Violation } from '@regsync/register-domain/validation-error';
import { RequestTransaction } from '@regsync/service-runtime/request-idempotency';
import type { InitialLoadRequest } from './initial-load.request';

/**
 * The initial load of a Melderegister migrating into regsync: a batch of persons in one transaction — their register
 * rows in one statement, their ResidenceRegistered events in one outbox statement — which then reach the Land and the
 * BZSt the normal way (relay, router, deliveries, inbox, transfer log). The batch is written whole or not at all.
 */
@Injectable()
export class InitialLoadService {
  private readonly logger = new Logger(InitialLoadService.name);
  private readonly residents = new RegisterStore(residentsTable);

  constructor(
    private readonly requestTransaction: RequestTransaction,
    private readonly outbox: Outbox,
  ) {}

  async load(request: InitialLoadRequest, correlationId: string, agency: string): Promise<{ loaded: number }> {
    const municipalityKey = currentAuthority();
    const { residents } = request;
    throwIfViolations(residents.flatMap((residence, index) => (residence.address.municipalityKey === municipalityKey ? [] : [{ field: `residents.${index}.address.municipalityKey`, rule: `must be this municipality (${municipalityKey})` }])));
    throwIfViolations(twiceInBatch(residents.map((residence) => residence.idnr)));
    const loaded = await this.requestTransaction.run(async (manager) => {
      await this.refuseHeld(manager, residents.map((residence) => residence.idnr));
      await this.residents.write(manager, residents.map((residence) => moveIn(undefined, residence, municipalityKey)));
      await this.outbox.appendMany(
        manager,
        residents.map((residence) => ({
          eventType: 'ResidenceRegistered' as const,
          register: 'MELDEREGISTER' as const,
          subject: { kind: 'PERSON' as const, id: residence.idnr },
          correlationId,
          causationId: null,
          legalBasis: SENDER_LEGAL_BASIS.ResidenceRegistered,
          payload: residence,
        })),
      );
      return residents.length;
    });
    // Who loaded how many where; no personal data.
    this.logger.log(`initial load: ${agency} registered ${loaded} persons in ${municipalityKey} (correlation ${correlationId})`);
    return { loaded };
  }

  /** An initial load adds persons this Melderegister does not hold; one it holds is refused with its index. */
  private async refuseHeld(manager: EntityManager, idnrs: readonly string[]): Promise<void> {
    const held = new Set((await this.residents.read(manager, idnrs.map((idnr) => ({ idnr })))).map((row) => row.idnr));
    throwIfViolations(idnrs.flatMap((idnr, index) => (held.has(idnr) ? [{ field: `residents.${index}.idnr`, rule: 'is already in this Melderegister: an initial load only adds persons it does not hold' }] : [])));
  }
}

/** Each IdNr given again later in the batch, at that later index. */
function twiceInBatch(idnrs: readonly string[]): Violation[] {
  const first = new Map<string, number>();
  return idnrs.flatMap((idnr, index) => {
    if (!first.has(idnr)) {
      first.set(idnr, index);
      return [];
    }
    return [{ field: `residents.${index}.idnr`, rule: `is given twice in this batch (also at residents.${first.get(idnr)})` }];
  });
}

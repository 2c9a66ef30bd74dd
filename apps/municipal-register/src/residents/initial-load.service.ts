import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentAuthority } from '@regsync/persistence/authority-context';
import { Outbox } from '@regsync/messaging/outbox';
import { moveIn } from '@regsync/register-domain/registers/residents';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { throwIfViolations, type Violation } from '@regsync/register-domain/validation-error';
import { RequestTransaction } from '@regsync/service-runtime/idempotency/request-transaction';
import type { InitialLoadRequest } from './initial-load.request';
import { columnValues } from './residents.service';

/** INSERT_RESIDENT's columns, many rows in one statement: one array per column (residents.service.ts's order). */
const INSERT_RESIDENTS = `
  insert into residents (idnr, birth_registration_id, family_name, given_names, sex, date_of_birth, place_of_birth, address, dwelling_status,
                         moved_in_on, status, moved_out_on, moved_out_to, marital_status, date_of_death, place_of_death, updated_at)
  select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::jsonb[], $9::text[],
                       $10::date[], $11::text[], $12::date[], $13::text[], $14::text[], $15::date[], $16::text[], $17::timestamptz[])`;

/**
 * The initial load of a Melderegister migrating into regsync: a batch of persons in one transaction — their register
 * rows in one statement, their ResidenceRegistered events in one outbox statement — which then reach the Land and the
 * BZSt the normal way (relay, router, deliveries, inbox, transfer log). The batch is written whole or not at all.
 */
@Injectable()
export class InitialLoadService {
  private readonly logger = new Logger(InitialLoadService.name);

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
      const rows = residents.map((residence) => columnValues(moveIn(undefined, residence, municipalityKey)));
      await manager.query(INSERT_RESIDENTS, columnsOf(rows));
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
    const held = new Set(((await manager.query('select idnr from residents where idnr = any($1::text[])', [idnrs])) as { idnr: string }[]).map((row) => row.idnr));
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

/** Rows of column values → one array per column. */
function columnsOf(rows: readonly unknown[][]): unknown[][] {
  return rows[0].map((_, column) => rows.map((row) => row[column]));
}

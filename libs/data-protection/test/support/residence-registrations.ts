import { DataSource } from 'typeorm';
import type { Address, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { sampleEvent } from '@regsync/contracts/sample-events';
import type { Admission } from '@regsync/messaging/register-messaging';
import { runAsAuthority, AuthorityDatabase, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { RegsyncBatchContext, RegsyncEventContext } from '@regsync/messaging/register-messaging';

// For the tests of registers that apply ResidenceRegistered one at a time and in batches (state and federal).

export const OSNABRUECK: Address = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
export const HANNOVER: Address = { street: 'Lange Laube', houseNumber: '1', postalCode: '30159', city: 'Hannover', municipalityKey: '03241001' };
export const DRESDEN: Address = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };

/** Anna Schmidt's Anmeldung at `address`, as the Melderegister of that municipality sends it. */
export function registration(idnr: string, address: Address, movedInOn: string, previousAddress: Address | null = null): ResidenceRegistered {
  return sampleEvent(
    'ResidenceRegistered',
    { occurredAt: new Date(), source: { level: 'MUNICIPAL', instanceKey: address.municipalityKey, register: 'MELDEREGISTER' }, legalBasis: '§ 33 BMG' },
    { idnr, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: new Date('1990-03-14T00:00:00Z'), address, movedInOn: new Date(`${movedInOn}T00:00:00Z`), previousAddress },
  );
}

/** A register's batch handler of registrations. */
export interface ResidenceRegisteredHandler {
  onResidencesRegistered(events: ResidenceRegistered[], context: RegsyncBatchContext): Promise<void>;
}

/**
 * Hands `events` to a register's handler as the consumer does: admitted and applied as `authority` (the recipient),
 * one transaction per event or one for all.
 */
export class ResidenceRegistrations {
  private readonly database: AuthorityDatabase;

  private constructor(
    private readonly dataSource: DataSource,
    databaseName: string,
    private readonly authority: string,
    private readonly handler: ResidenceRegisteredHandler,
    private readonly admit: (event: ResidenceRegistered) => Admission,
  ) {
    this.database = new AuthorityDatabase(dataSource, databaseName);
  }

  /** For a migrated database `databaseName`: ensures the authority's role first. */
  static async of(dataSource: DataSource, databaseName: string, authority: string, handler: ResidenceRegisteredHandler, admit: (event: ResidenceRegistered) => Admission): Promise<ResidenceRegistrations> {
    await ensureAuthorityRoles(dataSource, databaseName, [authority]);
    return new ResidenceRegistrations(dataSource, databaseName, authority, handler, admit);
  }

  /** Each event alone: the batch handler with one event, as the consumer runs an event it isolates. */
  applyOneAtATime(events: ResidenceRegistered[]): Promise<void> {
    return runAsAuthority(this.authority, async () => {
      for (const event of events) await this.applyBatch([event]);
    });
  }

  applyAsBatch(events: ResidenceRegistered[]): Promise<void> {
    return runAsAuthority(this.authority, () => this.applyBatch(events));
  }

  private async applyBatch(events: ResidenceRegistered[]): Promise<void> {
    const batch = this.admitted(events);
    await this.database.transaction((manager) =>
      this.handler.onResidencesRegistered(
        batch.map(({ event }) => event),
        new RegsyncBatchContext(
          manager,
          batch.map(({ event, admission }, offset) => new RegsyncEventContext(manager, admission, 'person', 0, String(offset), {}, undefined, event.envelope.correlationId)),
        ),
      ),
    );
  }

  /** The transfer-log rows of `idnrs`, each IdNr replaced by its position in `idnrs`, so two runs compare equal. */
  async transferLogOf(idnrs: string[]): Promise<unknown[]> {
    const log = (await this.dataSource.query(
      `select event_type, idnr, sender_instance, recipient_level, recipient_instance, recipient_register, fields, legal_basis, purpose
         from transfer_log where subject_id = any($1) order by array_position($1, subject_id), id`,
      [idnrs],
    )) as { idnr: string }[];
    return log.map((row) => ({ ...row, idnr: idnrs.indexOf(row.idnr) }));
  }

  private admitted(events: ResidenceRegistered[]) {
    return events.map((event) => {
      const admission = this.admit(event) as Extract<Admission, { kind: 'apply' }>;
      return { event: admission.event as ResidenceRegistered, admission };
    });
  }
}

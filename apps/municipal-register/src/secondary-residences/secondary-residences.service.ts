import { Injectable, NotFoundException } from '@nestjs/common';
import { currentAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { secondaryResidencesTable } from '@regsync/persistence/register-table-catalog';
import { assertIdnr } from '@regsync/register-domain/identifiers';
import { dwellingOf, moveOutOfSecondaryResidence, registerSecondaryResidence, type SecondaryResidence } from '@regsync/register-domain/register-rules';
import { RequestTransaction } from '@regsync/service-runtime/request-idempotency';
import type { MoveOutOfSecondaryResidenceRequest } from './move-out-of-secondary-residence.request';
import type { RegisterSecondaryResidenceRequest } from './register-secondary-residence.request';

/** The Nebenwohnungen of the Melderegister: registered and ended by the Bürgeramt, read by agencies of this municipality. */
@Injectable()
export class SecondaryResidencesService {
  private readonly residences = new RegisterStore(secondaryResidencesTable);

  constructor(
    private readonly database: AuthorityDatabase,
    private readonly requestTransaction: RequestTransaction,
  ) {}

  async register(input: RegisterSecondaryResidenceRequest, agency: string): Promise<SecondaryResidence> {
    return this.requestTransaction.run(async (manager) => {
      const existing = await this.residences.find(manager, { idnr: input.idnr, dwelling: dwellingOf(input.address) }, { lock: true });
      const residence = registerSecondaryResidence(existing, input, currentAuthority(), agency);
      await this.residences.write(manager, [residence]);
      return residence;
    });
  }

  /** Abmeldung: the Nebenwohnung ends on the day moved out, and with it starts its retention (retention-catalog.ts). */
  async moveOut(idnr: string, input: MoveOutOfSecondaryResidenceRequest, agency: string): Promise<SecondaryResidence> {
    return this.requestTransaction.run(async (manager) => {
      const existing = await this.residences.find(manager, { idnr, dwelling: dwellingOf(input.address) }, { lock: true });
      if (!existing) throw new NotFoundException(`${idnr} has no Nebenwohnung at ${input.address.street} ${input.address.houseNumber}, ${input.address.postalCode} in the Melderegister of ${currentAuthority()}`);
      const residence = moveOutOfSecondaryResidence(existing, input.movedOutOn, agency);
      await this.residences.write(manager, [residence]);
      return residence;
    });
  }

  /** The person's Nebenwohnungen here, current and past. */
  async of(idnr: string): Promise<SecondaryResidence[]> {
    assertIdnr(idnr);
    return this.database.transaction((manager) => this.residences.readBy(manager, 'idnr', [idnr]));
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Outbox } from '@regsync/messaging/outbox';
import { type RegisterRestatement, type RestatementRequest, restateByAuthority } from '@regsync/observability/register-restatement';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { CERTIFIED_NAMES, CERTIFIED_PERSONS } from './civil-status.drift';

/** Drift repair of `person.names`: the Standesamt restates the current names of the persons it certifies. */
@Injectable()
export class NamesRestatement implements RegisterRestatement {
  readonly dataset = 'person.names';

  constructor(
    private readonly owner: DataSource,
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
  ) {}

  restate(request: RestatementRequest): Promise<string[]> {
    return restateByAuthority(this.owner, this.database, HELD, request.subjects, (manager, subjects) => this.append(manager, subjects, request));
  }

  private async append(manager: EntityManager, subjects: string[], { requestedBy, correlationId }: RestatementRequest): Promise<string[]> {
    const names = (await manager.query(CURRENT, [subjects])) as { subject_id: string; family_name: string; given_names: string }[];
    await this.outbox.appendMany(
      manager,
      names.map((row) => ({
        eventType: 'NamesRestated' as const,
        register: 'PERSONENSTANDSREGISTER' as const,
        subject: { kind: 'PERSON' as const, id: row.subject_id },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.NamesRestated,
        payload: { idnr: row.subject_id, familyName: row.family_name, givenNames: row.given_names, requestedBy },
      })),
    );
    return names.map((row) => row.subject_id);
  }
}

const HELD = `select r.authority_key, r.idnr as subject_id from residents r where r.idnr = any($1::text[]) and ${CERTIFIED_PERSONS}`;

const CURRENT = `select * from (${CERTIFIED_NAMES}) certified where subject_id = any($1::text[]) order by subject_id`;

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Address, DwellingStatus, Sex } from '@regsync/contracts/generated/events';
import { Outbox } from '@regsync/messaging/outbox';
import { type RegisterRestatement, type RestatementRequest, restateByAuthority } from '@regsync/observability/register-restatement';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';
import { parseCalendarDate } from '@regsync/register-domain/calendar-date';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/registers/sender-legal-basis';
import { CURRENT_RESIDENTS } from './residents.drift';

interface CurrentResidence {
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: Sex;
  dateOfBirth: string;
  address: Address;
  movedInOn: string;
  dwellingStatus: DwellingStatus;
}

/** Drift repair of `person.residence`: the Melderegister restates the current registration of its residents. */
@Injectable()
export class ResidenceRestatement implements RegisterRestatement {
  readonly dataset = 'person.residence';

  constructor(
    private readonly owner: DataSource,
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
  ) {}

  restate(request: RestatementRequest): Promise<string[]> {
    return restateByAuthority(this.owner, this.database, HELD, request.subjects, (manager, subjects) => this.append(manager, subjects, request));
  }

  private async append(manager: EntityManager, subjects: string[], { requestedBy, correlationId }: RestatementRequest): Promise<string[]> {
    const residences = (await manager.query(CURRENT, [subjects])) as CurrentResidence[];
    await this.outbox.appendMany(
      manager,
      residences.map((residence) => ({
        eventType: 'ResidenceRestated' as const,
        register: 'MELDEREGISTER' as const,
        subject: { kind: 'PERSON' as const, id: residence.idnr },
        correlationId,
        causationId: null,
        legalBasis: SENDER_LEGAL_BASIS.ResidenceRestated,
        payload: { ...residence, dateOfBirth: parseCalendarDate(residence.dateOfBirth), movedInOn: parseCalendarDate(residence.movedInOn), requestedBy },
      })),
    );
    return residences.map((residence) => residence.idnr);
  }
}

const HELD = `select authority_key, idnr as subject_id from residents where idnr = any($1::text[]) and ${CURRENT_RESIDENTS}`;

// Locked, so a registration committing meanwhile goes out after the restatement, with the next subject version.
const CURRENT = `
  select idnr, family_name as "familyName", given_names as "givenNames", sex, to_char(date_of_birth, 'YYYY-MM-DD') as "dateOfBirth",
         address, to_char(moved_in_on, 'YYYY-MM-DD') as "movedInOn", dwelling_status as "dwellingStatus"
    from residents
   where idnr = any($1::text[]) and ${CURRENT_RESIDENTS}
   order by idnr
   for update`;

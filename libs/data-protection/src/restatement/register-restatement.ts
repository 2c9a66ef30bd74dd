import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { EventPayload, EventSubject } from '@regsync/contracts/generated/events';
import { type EventDraft, Outbox } from '@regsync/messaging/register-messaging';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import type { RegisterKind } from '@regsync/register-domain/authorities';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { z } from 'zod';

/** The events that restate a subject's current state (drift repair); each carries who asked for it. */
export type RestatingEventType = 'ResidenceRestated' | 'NamesRestated' | 'ParcelRestated';

/**
 * A data set this instance is authoritative for, which it can restate for a drift repair: the current state of given
 * subjects goes out through the outbox as ordinary events (e.g. ResidenceRestated), so the router delivers them like
 * every other event and each recipient applies them with its inbox and versions. Data: two queries and a payload.
 */
export interface RegisterRestatement<Row = Record<string, unknown>, T extends RestatingEventType = RestatingEventType> {
  /** The drift check's name of the data set, e.g. `person.residence` (register-snapshot-source.ts). */
  dataset: string;
  eventType: T;
  /** The register of this instance that sends it (authoritative for the data set). */
  register: RegisterKind;
  subjectKind: EventSubject['kind'];
  /** Run as the owner: which hosted authority holds which of the subject ids `$1`, as `authority_key, subject_id`. */
  heldSql: string;
  /** Run as the authority: the current state of the subject ids `$1` it holds, one row each, locked if it may change. */
  currentSql: string;
  subjectOf(row: Row): string;
  /** The event's payload for one row, but who asked (the request adds it). */
  payloadOf(row: Row): Omit<EventPayload<T>, 'requestedBy'>;
}

export interface RestatementRequest {
  subjects: string[];
  /** Who asked (the dashboard's operator), carried by every event and logged with every transfer it causes. */
  requestedBy: string;
  /** One repair (a dashboard repair job): every event it causes shares it, so "where did it go" follows it. */
  correlationId: string;
}

export const REGISTER_RESTATEMENTS = Symbol('REGISTER_RESTATEMENTS');

export const MAX_SUBJECTS_PER_RESTATEMENT = 500;

/** The body of POST /ops/registers/:dataset/restatements; without a correlation id the register makes one. */
export const restatementRequest = z.object({
  subjects: z
    .array(z.string().min(1).max(64, 'a subject id has at most 64 characters'))
    .min(1, 'name at least one subject')
    .max(MAX_SUBJECTS_PER_RESTATEMENT, `at most ${MAX_SUBJECTS_PER_RESTATEMENT} per request`)
    .transform((subjects) => [...new Set(subjects)]),
  requestedBy: z.string().trim().min(1, 'must name who asked for the repair').max(200),
  correlationId: z.string().min(1).max(100).optional(),
});

export const restatementRequestExample: z.input<typeof restatementRequest> = {
  subjects: ['36574261809'],
  requestedBy: 'Otto Operator (operator)',
  correlationId: '5f0c6a1e-7d3b-4c51-9a57-2d1f0e8b6c42',
};

/**
 * Restates the subjects of `request` that this instance holds: per hosted authority that holds some (the owner's
 * `heldSql`), in one transaction as that authority, their current rows as events appended to the outbox, so they go
 * out on that authority's outgoing topic, in its name. Answers every subject restated.
 */
@Injectable()
export class RegisterRestatements {
  constructor(
    private readonly owner: DataSource,
    private readonly database: AuthorityDatabase,
    private readonly outbox: Outbox,
  ) {}

  async restate<Row, T extends RestatingEventType>(restatement: RegisterRestatement<Row, T>, request: RestatementRequest): Promise<string[]> {
    const held = (await this.owner.query(restatement.heldSql, [request.subjects])) as { authority_key: string; subject_id: string }[];
    const byAuthority = new Map<string, string[]>();
    for (const row of held) byAuthority.set(row.authority_key, [...(byAuthority.get(row.authority_key) ?? []), row.subject_id]);
    const restated: string[] = [];
    for (const [authority, subjects] of byAuthority) {
      restated.push(...(await runAsAuthority(authority, () => this.database.transaction((manager) => restateIn(manager, this.outbox, restatement, subjects, request)))));
    }
    return restated;
  }
}

/**
 * In the caller's transaction, as the current authority: the current rows of `subjects` it holds as restating events,
 * appended to the outbox. Answers the subjects restated. Also the erasure's, after it re-keyed a subject.
 */
export async function restateIn<Row, T extends RestatingEventType>(manager: EntityManager, outbox: Outbox, restatement: RegisterRestatement<Row, T>, subjects: readonly string[], request: Omit<RestatementRequest, 'subjects'>): Promise<string[]> {
  const current = (await manager.query(restatement.currentSql, [subjects])) as Row[];
  await outbox.appendMany(manager, current.map((row) => draftOf(restatement, row, request)));
  return current.map((row) => restatement.subjectOf(row));
}

function draftOf<Row, T extends RestatingEventType>(restatement: RegisterRestatement<Row, T>, row: Row, { requestedBy, correlationId }: Omit<RestatementRequest, 'subjects'>): EventDraft<T> {
  return {
    eventType: restatement.eventType,
    register: restatement.register,
    subject: { kind: restatement.subjectKind, id: restatement.subjectOf(row) },
    correlationId,
    causationId: null,
    legalBasis: SENDER_LEGAL_BASIS[restatement.eventType],
    payload: { ...restatement.payloadOf(row), requestedBy } as EventPayload<T>,
  };
}

import { DataSource, EntityManager } from 'typeorm';
import { runAsAuthority } from '@regsync/persistence/authority-context';
import { AuthorityDatabase } from '@regsync/persistence/authority-database';
import { DomainValidationError } from '@regsync/register-domain/validation-error';

/**
 * A data set this instance is authoritative for, which it can restate for a drift repair: the current state of given
 * subjects goes out through the outbox as ordinary events (e.g. ResidenceRestated), so the router delivers them like
 * every other event and each recipient applies them with its inbox and versions.
 */
export interface RegisterRestatement {
  /** The drift check's name of the data set, e.g. `person.residence` (register-snapshot-source.ts). */
  dataset: string;
  /** Appends one restating event per subject held here; answers the subject ids it restated. */
  restate(request: RestatementRequest): Promise<string[]>;
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

/** The body of POST /ops/registers/:dataset/restatements, checked field by field. */
export function restatementRequestOf(body: unknown, newCorrelationId: () => string): RestatementRequest {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { subjects, requestedBy, correlationId } = input;
  if (!Array.isArray(subjects) || subjects.length === 0) throw new DomainValidationError('subjects', 'must be a non-empty array of subject ids');
  if (subjects.length > MAX_SUBJECTS_PER_RESTATEMENT) throw new DomainValidationError('subjects', `at most ${MAX_SUBJECTS_PER_RESTATEMENT} per request`);
  if (!subjects.every((subject) => typeof subject === 'string' && subject.length > 0 && subject.length <= 64)) {
    throw new DomainValidationError('subjects', 'every subject id must be a string of 1 to 64 characters');
  }
  if (typeof requestedBy !== 'string' || requestedBy.trim().length === 0 || requestedBy.length > 200) {
    throw new DomainValidationError('requestedBy', 'must name who asked for the repair (1 to 200 characters)');
  }
  if (correlationId !== undefined && (typeof correlationId !== 'string' || correlationId.length === 0 || correlationId.length > 100)) {
    throw new DomainValidationError('correlationId', 'must be a string of 1 to 100 characters when given');
  }
  return { subjects: [...new Set(subjects as string[])], requestedBy: requestedBy.trim(), correlationId: correlationId ?? newCorrelationId() };
}

/**
 * Runs `restate` once per hosted authority that holds some of `subjects` (found by the owner's `heldSql`, which takes
 * the ids as `$1` and returns `authority_key`), with that authority's subjects, in a transaction as that authority:
 * its events go out on its own outgoing topic, in its name. Answers every subject restated.
 */
export async function restateByAuthority(
  owner: DataSource,
  database: AuthorityDatabase,
  heldSql: string,
  subjects: string[],
  restate: (manager: EntityManager, subjects: string[]) => Promise<string[]>,
): Promise<string[]> {
  const held = (await owner.query(heldSql, [subjects])) as { authority_key: string; subject_id: string }[];
  const byAuthority = new Map<string, string[]>();
  for (const row of held) byAuthority.set(row.authority_key, [...(byAuthority.get(row.authority_key) ?? []), row.subject_id]);
  const restated: string[] = [];
  for (const [authority, ids] of byAuthority) {
    restated.push(...(await runAsAuthority(authority, () => database.transaction((manager) => restate(manager, ids)))));
  }
  return restated;
}

import { EntityManager } from 'typeorm';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { isNextVersion } from './subject-version-epoch';

/**
 * applied: next version; held: waits for a missing predecessor (parked, see held-events.ts); gap_applied: applied over
 * a gap (a consumer that does not hold, or an operator's release); stale / duplicate: no effect.
 */
export type InboxOutcome = 'applied' | 'gap_applied' | 'held' | 'stale' | 'duplicate';

export interface InboxEntry {
  event: RegsyncEvent;
  topic: string;
  partition: number;
  offset: string;
  /** On a delivery stream: the version of the subject the router delivered here before this event (its stamp). */
  deliveredAfter?: number;
}

/**
 * How a consumer meets a missing predecessor. `detectGaps`: it sees every version of a source (the router), so the
 * predecessor is the version before; else only a delivery's stamp names one. `atGap`: hold the event until the
 * predecessor is applied, or apply it over the gap (the replay, which rebuilds from any point; an operator's release).
 */
export interface GapRule {
  detectGaps: boolean;
  atGap: 'hold' | 'apply';
}

export interface InboxResult {
  outcome: InboxOutcome;
  /** The subject's version before this event (null: none applied yet from that source register). */
  previousVersion: number | null;
}

/**
 * The version rule: older than or equal to the applied version = stale; the next one (`isNextVersion`: in the same
 * epoch, or the first of a later one) = applied; further ahead = a gap when `detectGaps` (a consumer that sees every
 * version of the source), else applied (a delivery stream, which holds only the events routed to its instance).
 */
export function versionOutcome(previousVersion: number | null, subjectVersion: number, detectGaps = true): Exclude<InboxOutcome, 'duplicate'> {
  if (previousVersion !== null && subjectVersion <= previousVersion) return 'stale';
  return !detectGaps || isNextVersion(previousVersion, subjectVersion) ? 'applied' : 'gap_applied';
}

/**
 * Hold at a gap, beside the version rule: an event versionOutcome finds new is held while its predecessor (the version
 * before it where every version passes, else the version its delivery stamp names) is ahead of the applied version.
 */
export function arrivalOutcome(previousVersion: number | null, subjectVersion: number, deliveredAfter: number | undefined, rule: GapRule): Exclude<InboxOutcome, 'duplicate'> {
  const outcome = versionOutcome(previousVersion, subjectVersion, rule.detectGaps);
  if (outcome === 'stale') return outcome;
  const predecessorMissing = outcome === 'gap_applied' || (deliveredAfter !== undefined && versionOutcome(previousVersion, deliveredAfter) !== 'stale');
  if (!predecessorMissing) return outcome;
  return rule.atGap === 'hold' ? 'held' : 'gap_applied';
}

/** A held event of one subject and source, as its release needs it. */
export interface HeldVersion {
  subjectVersion: number;
  deliveredAfter?: number;
}

/**
 * The held events that follow, one after the other, once `appliedVersion` is applied: in version order up to the
 * first that still waits (stale ones on the way are included, to be dropped as stale).
 */
export function releasableAfter<T extends HeldVersion>(appliedVersion: number | null, held: readonly T[], detectGaps: boolean): T[] {
  const released: T[] = [];
  let applied = appliedVersion;
  for (const event of [...held].sort((a, b) => a.subjectVersion - b.subjectVersion)) {
    const outcome = arrivalOutcome(applied, event.subjectVersion, event.deliveredAfter, { detectGaps, atGap: 'hold' });
    if (outcome === 'held') break;
    if (outcome !== 'stale') applied = event.subjectVersion;
    released.push(event);
  }
  return released;
}

/**
 * Records an event in the inbox of the transaction of `manager` and checks its subject version against the last
 * one seen from the same source register. Only `applied` and `gap_applied` events reach the handler; the
 * inbox row makes every later delivery of the same eventId a `duplicate`.
 */
export async function recordInInbox(manager: EntityManager, { event, topic, partition, offset, deliveredAfter }: InboxEntry, rule: GapRule): Promise<InboxResult> {
  const { eventId, eventType, subject, source, subjectVersion } = event.envelope;
  const versionKey = [subject.kind, subject.id, source.instanceKey, source.register];
  const current = (await manager.query(
    'select version from regsync_applied_version where subject_kind = $1 and subject_id = $2 and source_instance_key = $3 and source_register = $4 for update',
    versionKey,
  )) as { version: string }[];
  const previousVersion = current.length > 0 ? Number(current[0].version) : null;
  const outcome = arrivalOutcome(previousVersion, subjectVersion, deliveredAfter, rule);
  // A held event leaves no trace here: it is parked (held-events.ts) and recorded when it is applied.
  if (outcome === 'held') return { outcome, previousVersion };

  const inserted = (await manager.query(
    `insert into regsync_inbox (event_id, event_type, topic, partition, "offset", outcome) values ($1, $2, $3, $4, $5, $6)
     on conflict (authority_key, event_id) do nothing returning event_id`,
    [eventId, eventType, topic, partition, offset, outcome],
  )) as unknown[];
  if (inserted.length === 0) return { outcome: 'duplicate', previousVersion };
  if (outcome === 'stale') return { outcome, previousVersion };

  await manager.query(
    `insert into regsync_applied_version as applied (subject_kind, subject_id, source_instance_key, source_register, version) values ($1, $2, $3, $4, $5)
     on conflict (authority_key, subject_kind, subject_id, source_instance_key, source_register) do update set version = greatest(applied.version, excluded.version)`,
    [...versionKey, subjectVersion],
  );
  return { outcome, previousVersion };
}

/**
 * Does what `recordInInbox` does for each entry in turn, in two round trips for all of them: locks and reads their
 * subjects' versions, decides in order (an eventId seen earlier in `entries` is a duplicate), then inserts the inbox
 * rows and the new versions in one statement. Returns undefined, with the transaction
 * to be rolled back, when the database disagrees with that decision: an event decided as new was in the inbox already
 * (its subject's version is behind it, or another transaction recorded it meanwhile); `recordInInbox` one by one then
 * decides.
 */
export async function recordAllInInbox(manager: EntityManager, entries: readonly InboxEntry[], rule: GapRule): Promise<InboxResult[] | undefined> {
  const keys = new Map<string, string[]>();
  for (const { event } of entries) keys.set(versionKeyOf(event).join('\u0000'), versionKeyOf(event));
  const rows = (await manager.query(
    `select subject_kind, subject_id, source_instance_key, source_register, version::text as version from regsync_applied_version
     where (subject_kind, subject_id, source_instance_key, source_register) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]))
     order by subject_kind, subject_id, source_instance_key, source_register
     for update`,
    columnsOf([...keys.values()], 4),
  )) as { subject_kind: string; subject_id: string; source_instance_key: string; source_register: string; version: string }[];
  const versions = new Map<string, number>(rows.map((row) => [[row.subject_kind, row.subject_id, row.source_instance_key, row.source_register].join('\u0000'), Number(row.version)]));

  const seen = new Set<string>();
  const results: InboxResult[] = [];
  const inboxRows: string[][] = [];
  const changedKeys = new Set<string>();
  for (const { event, topic, partition, offset, deliveredAfter } of entries) {
    const { eventType, subjectVersion } = event.envelope;
    const eventId = event.envelope.eventId.toLowerCase();
    const key = versionKeyOf(event).join('\u0000');
    const previousVersion = versions.get(key) ?? null;
    if (seen.has(eventId)) {
      results.push({ outcome: 'duplicate', previousVersion });
      continue;
    }
    const outcome = arrivalOutcome(previousVersion, subjectVersion, deliveredAfter, rule);
    results.push({ outcome, previousVersion });
    seen.add(eventId);
    if (outcome === 'held') continue;
    if (outcome !== 'stale') {
      versions.set(key, subjectVersion);
      changedKeys.add(key);
    }
    inboxRows.push([eventId, eventType, topic, String(partition), offset, outcome]);
  }

  const newVersions = [...changedKeys].map((key) => [...keys.get(key)!, String(versions.get(key))]);
  const inserted = (await manager.query(
    `with versions as (
       insert into regsync_applied_version as applied (subject_kind, subject_id, source_instance_key, source_register, version)
       select * from unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[])
       on conflict (authority_key, subject_kind, subject_id, source_instance_key, source_register) do update set version = greatest(applied.version, excluded.version)
     )
     insert into regsync_inbox (event_id, event_type, topic, partition, "offset", outcome)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::text[])
     on conflict (authority_key, event_id) do nothing returning event_id::text`,
    [...columnsOf(inboxRows, 6), ...columnsOf(newVersions, 5)],
  )) as { event_id: string }[];
  const insertedIds = new Set(inserted.map((row) => row.event_id));

  let row = 0;
  for (const result of results) {
    if (result.outcome === 'duplicate' || result.outcome === 'held') continue;
    const eventId = inboxRows[row++][0];
    if (insertedIds.has(eventId)) continue;
    if (result.outcome !== 'stale') return undefined;
    result.outcome = 'duplicate';
  }
  return results;
}

function versionKeyOf(event: RegsyncEvent): string[] {
  const { subject, source } = event.envelope;
  return [subject.kind, subject.id, source.instanceKey, source.register];
}

/** Rows → one array per column, the shape `unnest($1::type[], ...)` takes. */
function columnsOf(rows: readonly string[][], width: number): string[][] {
  return Array.from({ length: width }, (_, column) => rows.map((row) => row[column]));
}

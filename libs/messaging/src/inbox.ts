import { EntityManager } from 'typeorm';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { isNextVersion } from './subject-version-epoch';

/** applied: next version; gap_applied: versions were skipped (applied, but reported); stale / duplicate: no effect. */
export type InboxOutcome = 'applied' | 'gap_applied' | 'stale' | 'duplicate';

export interface InboxEntry {
  event: RegsyncEvent;
  topic: string;
  partition: number;
  offset: string;
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
 * Records an event in the inbox of the transaction of `manager` and checks its subject version against the last
 * one seen from the same source register. Only `applied` and `gap_applied` events reach the handler; the
 * inbox row makes every later delivery of the same eventId a `duplicate`.
 */
export async function recordInInbox(manager: EntityManager, { event, topic, partition, offset }: InboxEntry, detectGaps = true): Promise<InboxResult> {
  const { eventId, eventType, subject, source, subjectVersion } = event.envelope;
  const versionKey = [subject.kind, subject.id, source.instanceKey, source.register];
  const current = (await manager.query(
    'select version from regsync_applied_version where subject_kind = $1 and subject_id = $2 and source_instance_key = $3 and source_register = $4 for update',
    versionKey,
  )) as { version: string }[];
  const previousVersion = current.length > 0 ? Number(current[0].version) : null;
  const outcome = versionOutcome(previousVersion, subjectVersion, detectGaps);

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
export async function recordAllInInbox(manager: EntityManager, entries: readonly InboxEntry[], detectGaps = true): Promise<InboxResult[] | undefined> {
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
  for (const { event, topic, partition, offset } of entries) {
    const { eventType, subjectVersion } = event.envelope;
    const eventId = event.envelope.eventId.toLowerCase();
    const key = versionKeyOf(event).join('\u0000');
    const previousVersion = versions.get(key) ?? null;
    if (seen.has(eventId)) {
      results.push({ outcome: 'duplicate', previousVersion });
      continue;
    }
    const outcome = versionOutcome(previousVersion, subjectVersion, detectGaps);
    if (outcome !== 'stale') {
      versions.set(key, subjectVersion);
      changedKeys.add(key);
    }
    results.push({ outcome, previousVersion });
    seen.add(eventId);
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
    if (result.outcome === 'duplicate') continue;
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

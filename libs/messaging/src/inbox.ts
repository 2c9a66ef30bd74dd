import { EntityManager } from 'typeorm';
import { RegsyncEvent } from '@regsync/contracts/generated/events';

/** applied: next version; gap_applied: versions were skipped (applied, but reported); stale / duplicate: no effect. */
export type InboxOutcome = 'applied' | 'gap_applied' | 'stale' | 'duplicate';

export interface InboxEntry {
  event: RegsyncEvent;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Records an event in the inbox of the transaction of `manager` and checks its subject version against the last
 * one applied from the same source register. Only `applied` and `gap_applied` events reach the handler; the
 * inbox row makes every later delivery of the same eventId a `duplicate`.
 */
export async function recordInInbox(manager: EntityManager, { event, topic, partition, offset }: InboxEntry): Promise<{ outcome: InboxOutcome; previousVersion: number | null }> {
  const { eventId, eventType, subject, source, subjectVersion } = event.envelope;
  const versionKey = [subject.kind, subject.id, source.instanceKey, source.register];
  const current = (await manager.query(
    'select version from regsync_applied_version where subject_kind = $1 and subject_id = $2 and source_instance_key = $3 and source_register = $4 for update',
    versionKey,
  )) as { version: string }[];
  const previousVersion = current.length > 0 ? Number(current[0].version) : null;
  const outcome: InboxOutcome = previousVersion !== null && subjectVersion <= previousVersion ? 'stale' : subjectVersion === (previousVersion ?? 0) + 1 ? 'applied' : 'gap_applied';

  const inserted = (await manager.query(
    `insert into regsync_inbox (event_id, event_type, topic, partition, "offset", outcome) values ($1, $2, $3, $4, $5, $6)
     on conflict (event_id) do nothing returning event_id`,
    [eventId, eventType, topic, partition, offset, outcome],
  )) as unknown[];
  if (inserted.length === 0) return { outcome: 'duplicate', previousVersion };
  if (outcome === 'stale') return { outcome, previousVersion };

  await manager.query(
    `insert into regsync_applied_version (subject_kind, subject_id, source_instance_key, source_register, version) values ($1, $2, $3, $4, $5)
     on conflict (subject_kind, subject_id, source_instance_key, source_register) do update set version = excluded.version`,
    [...versionKey, subjectVersion],
  );
  return { outcome, previousVersion };
}

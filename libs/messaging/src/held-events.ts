import { KafkaMessage } from 'kafkajs';
import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { AuthorityTable, isolateByAuthority } from '@regsync/persistence/authority-scope';
import { textHeaders } from './dead-letters';
import { HeldVersion } from './inbox';

/** The subject and sending register whose versions a consumer orders (the key of regsync_applied_version). */
export interface SubjectSource {
  subjectKind: string;
  subjectId: string;
  sourceInstanceKey: string;
  sourceRegister: string;
}

/** An event that waits for a missing predecessor: where it was read, and its record as it came, to apply it later. */
export interface HeldEvent extends SubjectSource, HeldVersion {
  eventId: string;
  eventType: string;
  topic: string;
  partition: number;
  message: KafkaMessage;
  heldSince: Date;
}

/** One held subject as an operator sees it (GET /ops/held-subjects). */
export interface HeldSubject extends SubjectSource {
  authority: string;
  /**
   * The version the subject waits for: where every version passes (the router) the next after the applied one; on a
   * delivery stream the one the router delivered before the first held event (its stamp).
   */
  waitingFor: number;
  appliedVersion: number | null;
  held: number;
  heldSince: string;
}

/**
 * Hold at a gap: the events of a subject that wait for a missing predecessor, parked in the consumer's database in the
 * transaction that commits their offsets, until the predecessor is applied or an operator releases them.
 */
export class HeldEventsTable1760000900000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table regsync_held_event (
        event_id uuid primary key,
        event_type text not null,
        subject_kind text not null,
        subject_id text not null,
        source_instance_key text not null,
        source_register text not null,
        subject_version bigint not null,
        delivered_after bigint,
        topic text not null,
        partition int not null,
        "offset" bigint not null,
        record_key text,
        payload bytea not null,
        headers jsonb not null,
        held_since timestamptz not null default now()
      )`);
    await isolateByAuthority(queryRunner, heldEventsAuthorityTables);
    await queryRunner.query('create index regsync_held_event_subject on regsync_held_event (authority_key, subject_kind, subject_id, source_instance_key, source_register, subject_version)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('drop table regsync_held_event');
  }
}

const heldEventsAuthorityTables: AuthorityTable[] = [{ table: 'regsync_held_event', primaryKey: ['event_id'] }];

/** The subject and source of an event, as regsync_applied_version keys them. */
export function subjectSourceOf(event: RegsyncEvent): SubjectSource {
  const { subject, source } = event.envelope;
  return { subjectKind: subject.kind, subjectId: subject.id, sourceInstanceKey: source.instanceKey, sourceRegister: source.register };
}

export function subjectSourceKey({ subjectKind, subjectId, sourceInstanceKey, sourceRegister }: SubjectSource): string {
  return [subjectKind, subjectId, sourceInstanceKey, sourceRegister].join('\u0000');
}

/** The stamp of a delivery (`regsync-previous-delivered-version`); absent or not a positive integer: none. */
export function deliveredAfterOf(message: Pick<KafkaMessage, 'headers'>): number | undefined {
  const text = headerText(message.headers?.[KAFKA_HEADERS.previousDeliveredVersion]);
  const version = text === undefined ? NaN : Number(text);
  return Number.isSafeInteger(version) && version > 0 ? version : undefined;
}

/** Parks events in the caller's transaction; one parked already (a redelivery) stays as it was. */
export async function holdEvents(manager: EntityManager, held: readonly { event: RegsyncEvent; topic: string; partition: number; message: KafkaMessage; deliveredAfter?: number }[]): Promise<void> {
  if (held.length === 0) return;
  const column = <T>(value: (entry: (typeof held)[number]) => T) => held.map(value);
  await manager.query(
    `insert into regsync_held_event (event_id, event_type, subject_kind, subject_id, source_instance_key, source_register, subject_version, delivered_after, topic, partition, "offset", record_key, payload, headers)
     select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::int[], $11::bigint[], $12::text[], $13::bytea[], $14::jsonb[])
     on conflict do nothing`,
    [
      column(({ event }) => event.envelope.eventId),
      column(({ event }) => event.envelope.eventType),
      column(({ event }) => event.envelope.subject.kind),
      column(({ event }) => event.envelope.subject.id),
      column(({ event }) => event.envelope.source.instanceKey),
      column(({ event }) => event.envelope.source.register),
      column(({ event }) => String(event.envelope.subjectVersion)),
      column(({ deliveredAfter }) => (deliveredAfter === undefined ? null : String(deliveredAfter))),
      column(({ topic }) => topic),
      column(({ partition }) => partition),
      column(({ message }) => message.offset),
      column(({ message }) => message.key?.toString() ?? null),
      column(({ message }) => message.value ?? Buffer.alloc(0)),
      column(({ message }) => JSON.stringify(textHeaders(message.headers ?? {}))),
    ],
  );
}

interface HeldEventRow {
  event_id: string;
  event_type: string;
  subject_kind: string;
  subject_id: string;
  source_instance_key: string;
  source_register: string;
  subject_version: string;
  delivered_after: string | null;
  topic: string;
  partition: number;
  offset: string;
  record_key: string | null;
  payload: Buffer;
  headers: Record<string, string>;
  held_since: Date;
}

/**
 * The held events of `subjects` (the current authority's), each subject's in version order, with the subject's
 * applied version; subjects with none held are left out.
 */
export async function heldEventsOf(manager: EntityManager, subjects: readonly SubjectSource[]): Promise<{ subject: SubjectSource; appliedVersion: number | null; events: HeldEvent[] }[]> {
  if (subjects.length === 0) return [];
  const rows = (await manager.query(
    `select held.*, applied.version as applied_version
     from regsync_held_event held
     left join regsync_applied_version applied using (authority_key, subject_kind, subject_id, source_instance_key, source_register)
     where (held.subject_kind, held.subject_id, held.source_instance_key, held.source_register) in (select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]))
     order by held.subject_kind, held.subject_id, held.source_instance_key, held.source_register, held.subject_version`,
    [subjects.map((s) => s.subjectKind), subjects.map((s) => s.subjectId), subjects.map((s) => s.sourceInstanceKey), subjects.map((s) => s.sourceRegister)],
  )) as (HeldEventRow & { applied_version: string | null })[];
  const bySubject = new Map<string, { subject: SubjectSource; appliedVersion: number | null; events: HeldEvent[] }>();
  for (const row of rows) {
    const event = heldEventOf(row);
    const key = subjectSourceKey(event);
    const entry = bySubject.get(key) ?? bySubject.set(key, { subject: event, appliedVersion: row.applied_version === null ? null : Number(row.applied_version), events: [] }).get(key)!;
    entry.events.push(event);
  }
  return [...bySubject.values()];
}

/** Removes events from the parking table, in the caller's transaction (they were applied, found stale or dead-lettered). */
export async function unholdEvents(manager: EntityManager, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await manager.query('delete from regsync_held_event where event_id = any($1::uuid[])', [eventIds]);
}

/**
 * Every held subject of every hosted authority, oldest first: read as the owner (the ops endpoint and the metrics
 * speak for the process).
 */
export async function heldSubjects(query: (sql: string) => Promise<unknown>): Promise<HeldSubject[]> {
  const rows = (await query(
    `select held.authority_key, held.subject_kind, held.subject_id, held.source_instance_key, held.source_register,
            count(*)::int as held, min(held.held_since) as held_since, applied.version::text as applied_version,
            (array_agg(held.delivered_after::text order by held.subject_version))[1] as first_delivered_after
     from regsync_held_event held
     left join regsync_applied_version applied using (authority_key, subject_kind, subject_id, source_instance_key, source_register)
     group by held.authority_key, held.subject_kind, held.subject_id, held.source_instance_key, held.source_register, applied.version
     order by min(held.held_since)`,
  )) as {
    authority_key: string;
    subject_kind: string;
    subject_id: string;
    source_instance_key: string;
    source_register: string;
    held: number;
    held_since: Date;
    applied_version: string | null;
    first_delivered_after: string | null;
  }[];
  return rows.map((row) => ({
    authority: row.authority_key,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    sourceInstanceKey: row.source_instance_key,
    sourceRegister: row.source_register,
    waitingFor: row.first_delivered_after === null ? Number(row.applied_version ?? 0) + 1 : Number(row.first_delivered_after),
    appliedVersion: row.applied_version === null ? null : Number(row.applied_version),
    held: row.held,
    heldSince: new Date(row.held_since).toISOString(),
  }));
}

function heldEventOf(row: HeldEventRow): HeldEvent {
  return {
    eventId: row.event_id,
    eventType: row.event_type,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    sourceInstanceKey: row.source_instance_key,
    sourceRegister: row.source_register,
    subjectVersion: Number(row.subject_version),
    deliveredAfter: row.delivered_after === null ? undefined : Number(row.delivered_after),
    topic: row.topic,
    partition: row.partition,
    heldSince: row.held_since,
    message: {
      key: row.record_key === null ? null : Buffer.from(row.record_key),
      value: row.payload,
      headers: Object.fromEntries(Object.entries(row.headers).map(([name, value]) => [name, Buffer.from(value)])),
      offset: row.offset,
      timestamp: String(row.held_since.getTime()),
      attributes: 0,
    },
  };
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventCodec, SENT_IN_THE_CLEAR, type SubjectKey } from '@regsync/contracts/event-encoding';
import { EventPayload, EventSubject, EventType, EventTypes, RegisterKind, RegsyncEvent } from '@regsync/contracts/generated/events';
import { outgoingTopicOf, subjectKeyTopicOf, KAFKA_HEADERS } from '@regsync/contracts/topics';
import { currentAuthority } from '@regsync/persistence/authority-scope';
import { packBytea } from '@regsync/persistence/databases';
import { SENDER_LEGAL_BASIS } from '@regsync/register-domain/authorities';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging-options';
import { OUTBOX_ADDRESSEE } from './messaging-schema';
import { notifyRelays, OutboxWakeUp } from './outbox-wake-up';
import { EPOCH_SPAN } from './subject-version-epoch';
import { eraseSenderKeys, SubjectKeys, subjectKeyOf, type DeletedSubjectKey } from './subject-keys';
import { subjectVersionOffset } from './subject-version-slot';
import { inSpan, traceHeaders } from './trace-context';

/** An event someone else sent, encoded for one recipient, to be published unchanged on `topic` (the router's). */
export interface DeliveryRow {
  topic: string;
  /** The source event: its envelope (eventId, subject, subjectVersion, ...) travels unchanged. */
  event: RegsyncEvent;
  /** Confluent-framed Avro of the recipient's projection. */
  payload: Buffer;
  /** The source record's headers plus `regsync-recipient-register`. */
  headers: Record<string, string>;
  /** The subject key `payload` is sealed with: the recipient gets it on its key topic with the delivery. */
  subjectKey?: SubjectKey;
}

/** A record the relay publishes as it is (a dead letter, a re-drive outcome, a state record or its tombstone), written in the transaction of its cause. */
export interface OutboxRecord {
  /** Derived from what caused it, so the same cause recorded twice (redelivered after a crash) is one row. */
  id: string;
  topic: string;
  eventType: string;
  key: string | null;
  /** Null: a tombstone. */
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Event type column of subject key records and their tombstones in the outbox. */
export const SUBJECT_KEY_RECORD = 'SubjectKey';

/** A subject key for the readers of `dataTopic`, on its key topic, keyed (and stored once) by the key's id. */
function subjectKeyRecordOf(dataTopic: string, { id, key }: SubjectKey): OutboxRecord {
  return { id, topic: subjectKeyTopicOf(dataTopic), eventType: SUBJECT_KEY_RECORD, key: id, value: key, headers: {} };
}

/**
 * Records published unchanged (deliveries, dead letters, re-drive outcomes): a record already stored (same id, topic
 * and, for a delivery, addressed authority) is not stored again.
 */
const APPEND_RECORDS = `
  insert into regsync_outbox (event_id, event_type, topic, record_key, payload, headers, subject_version)
  select event_id, event_type, topic, record_key, substring($5::bytea from payload_start for payload_length), headers, subject_version
  from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $6::int[], $7::int[], $8::jsonb[], $9::bigint[])
    as row (event_id, event_type, topic, record_key, payload_start, payload_length, headers, subject_version)
  on conflict (authority_key, event_id, topic, ${OUTBOX_ADDRESSEE}) do nothing`;

export interface EventDraft<T extends EventType> {
  eventType: T;
  /** The sending register in this instance. */
  register: RegisterKind;
  subject: EventSubject;
  correlationId: string;
  causationId: string | null;
  legalBasis: string;
  /** The event without its envelope. */
  payload: EventPayload<T>;
}

/**
 * The draft of an event that `cause` made a register send: the same citizen action (correlation id), the cause as
 * causation, the sender's legal basis for its type.
 */
export function followUpDraft<T extends EventType>(cause: Pick<RegsyncEvent, 'envelope'>, draft: Omit<EventDraft<T>, 'correlationId' | 'causationId' | 'legalBasis'>): EventDraft<T> {
  return { ...draft, correlationId: cause.envelope.correlationId, causationId: cause.envelope.eventId, legalBasis: SENDER_LEGAL_BASIS[draft.eventType] };
}

/**
 * One statement for any number of drafts: counts the drafts per subject, adds that to each subject's counter (rows
 * locked in key order until commit, so a subject's events get their outbox ids in version order), numbers the drafts
 * of a subject consecutively in draft order and stores each with its version and the offset of its version slot in
 * its encoded bytes (version 0 there; the relay writes the version in, subject-version-slot.ts). A
 * counter from an earlier epoch than the database's continues at that epoch's first version (floor + 1; $12 is
 * EPOCH_SPAN), which fails while the relay has not checked a restored database yet (messaging-schema.ts).
 */
const APPEND = `
  with draft as (
    select register, subject_kind, subject_id, event_id, event_type, topic, substring($7::bytea from payload_start for payload_length) as payload, version_offset, headers, position
    from unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $8::int[], $9::int[], $10::int[], $11::jsonb[])
      with ordinality as draft (register, subject_kind, subject_id, event_id, event_type, topic, payload_start, payload_length, version_offset, headers, position)
  ),
  epoch as (select regsync_epoch_floor($12) as floor),
  counter as (
    insert into regsync_subject_version as existing (register, subject_kind, subject_id, version)
    select register, subject_kind, subject_id, epoch.floor + count(*) from draft, epoch
    group by register, subject_kind, subject_id, epoch.floor
    order by register, subject_kind, subject_id
    on conflict (authority_key, register, subject_kind, subject_id)
      do update set version = greatest(existing.version, (select floor from epoch)) + excluded.version - (select floor from epoch)
    returning register, subject_kind, subject_id, version
  ),
  numbered as (
    select draft.*, counter.version - count(*) over subject + row_number() over (subject order by position) as version
    from draft join counter using (register, subject_kind, subject_id)
    window subject as (partition by register, subject_kind, subject_id)
  )
  insert into regsync_outbox (event_id, event_type, topic, record_key, payload, version_offset, headers, subject_version)
  select event_id, event_type, topic, subject_id, payload, version_offset, headers, version
  from numbered
  order by position
  returning event_id::text, subject_version::text`;

/** Writes outgoing events in the caller's transaction; the outbox relay publishes them after commit. */
@Injectable()
export class Outbox {
  /** Present where the service seals what it sends (subjectKeySecret); the router seals with the sender's keys. */
  readonly subjectKeys?: SubjectKeys;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly codec: EventCodec,
    // Absent outside a service's messaging module (tests, tools): then every append sends the relays' NOTIFY.
    @Optional() private readonly wakeUp?: OutboxWakeUp,
  ) {
    if (options.subjectKeySecret) this.subjectKeys = new SubjectKeys(options.subjectKeySecret);
  }

  /**
   * Assigns eventId, occurredAt and the next subject version, encodes the event and stores it, all in the
   * transaction of `manager`, in one statement. Throws EventEncodeError (naming the fields) before anything is written.
   */
  async append<T extends EventType>(manager: EntityManager, draft: EventDraft<T>): Promise<EventTypes[T]> {
    const [event] = await this.appendMany(manager, [draft]);
    return event;
  }

  /**
   * `append` for many drafts in one statement; a subject's drafts get consecutive versions in draft order. Every
   * draft is encoded (and so validated) before anything is written: one invalid draft throws and writes nothing.
   */
  async appendMany<T extends EventType>(manager: EntityManager, drafts: readonly EventDraft<T>[]): Promise<EventTypes[T][]> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('outbox: append needs the EntityManager of an open transaction');
    if (drafts.length === 0) return [];
    // One span per append (a request's or a handler's events together), its context stored with each row.
    return inSpan(
      { name: 'regsync outbox append', kind: SpanKind.PRODUCER, attributes: { 'messaging.batch.message_count': drafts.length, 'regsync.event_types': [...new Set(drafts.map((draft) => draft.eventType))].join(',') } },
      () => this.insertDrafts(manager, drafts),
    );
  }

  private async insertDrafts<T extends EventType>(manager: EntityManager, drafts: readonly EventDraft<T>[]): Promise<EventTypes[T][]> {
    const events = drafts.map((draft) => this.eventOf(draft));
    const trace = traceHeaders();
    const topic = this.outgoingTopic;
    // Encoded once, with version 0; the relay writes the assigned version into the bytes (also of a sealed form,
    // whose clear envelope comes first like an event's).
    const payloads = await this.encodedForOutbox(manager, events as RegsyncEvent[], topic);
    const packed = packBytea(payloads);
    const rows = (await manager.query(APPEND, [
      drafts.map((draft) => draft.register),
      drafts.map((draft) => draft.subject.kind),
      drafts.map((draft) => draft.subject.id),
      events.map((event) => event.envelope.eventId),
      drafts.map((draft) => draft.eventType),
      drafts.map(() => topic),
      packed.bytes,
      packed.starts,
      packed.lengths,
      payloads.map((payload, index) => subjectVersionOffset(drafts[index].eventType, payload)),
      events.map((event) => JSON.stringify(this.headersOf(event, trace))),
      EPOCH_SPAN,
    ])) as { event_id: string; subject_version: string }[];
    const versions = new Map(rows.map((row) => [row.event_id, Number(row.subject_version)]));
    for (const event of events) event.envelope.subjectVersion = versions.get(event.envelope.eventId)!;
    await this.wakeRelay(manager);
    return events;
  }

  /** After an append: the relay reads once the transaction has committed. */
  private async wakeRelay(manager: EntityManager): Promise<void> {
    if (this.wakeUp) await this.wakeUp.appended(manager);
    else await notifyRelays(manager);
  }

  /**
   * Each event encoded, sealed with its subject's key where this service seals. A key made now goes to the readers of
   * `topic` on its key topic in rows before the events', so the relay never publishes an event ahead of its key.
   */
  private async encodedForOutbox(manager: EntityManager, events: RegsyncEvent[], topic: string): Promise<Buffer[]> {
    const sealed = events.filter((event) => !SENT_IN_THE_CLEAR.has(event.envelope.eventType));
    if (!this.subjectKeys || sealed.length === 0) return events.map((event) => this.codec.encode(event));
    const { keys, issued } = await this.subjectKeys.keysOf(manager, sealed.map((event) => event.envelope.subject));
    await this.appendRecords(manager, issued.map((key) => subjectKeyRecordOf(topic, key)));
    return events.map((event) => (SENT_IN_THE_CLEAR.has(event.envelope.eventType) ? this.codec.encode(event) : this.codec.encodeSealed(event, subjectKeyOf(keys, event.envelope.subject))));
  }

  /**
   * Stores pre-encoded deliveries of events that keep their source envelope (no new id or version), in the
   * transaction of `manager`, in one statement; a delivery already stored (same event and topic) is not stored again.
   */
  async appendDeliveries(manager: EntityManager, rows: readonly DeliveryRow[]): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('outbox: appendDeliveries needs the EntityManager of an open transaction');
    if (rows.length === 0) return;
    // A recipient gets a subject's key with its first delivery sealed with it; the row's id (the key's) keeps it to one.
    const keyRecords = new Map(rows.filter((row) => row.subjectKey).map((row) => [`${row.topic} ${row.subjectKey!.id}`, subjectKeyRecordOf(row.topic, row.subjectKey!)]));
    await this.appendRecords(manager, [...keyRecords.values()]);
    const packed = packBytea(rows.map((row) => row.payload));
    await manager.query(APPEND_RECORDS, [
      rows.map((row) => row.event.envelope.eventId),
      rows.map((row) => row.event.envelope.eventType),
      rows.map((row) => row.topic),
      rows.map((row) => row.event.envelope.subject.id),
      packed.bytes,
      packed.starts,
      packed.lengths,
      rows.map((row) => JSON.stringify(row.headers)),
      rows.map((row) => String(row.event.envelope.subjectVersion)),
    ]);
    await this.wakeRelay(manager);
  }

  /**
   * Stores dead letters, re-drive outcomes and state records in the transaction of `manager` (the one that commits their chunk), in one
   * statement; the relay publishes them. A row whose id is stored already (the same cause, redelivered after a crash)
   * is skipped.
   */
  async appendRecords(manager: EntityManager, rows: readonly OutboxRecord[]): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('outbox: appendRecords needs the EntityManager of an open transaction');
    if (rows.length === 0) return;
    const packed = packBytea(rows.map((row) => row.value));
    await manager.query(APPEND_RECORDS, [
      rows.map((row) => row.id),
      rows.map((row) => row.eventType),
      rows.map((row) => row.topic),
      rows.map((row) => row.key),
      packed.bytes,
      packed.starts,
      packed.lengths,
      rows.map((row) => JSON.stringify(row.headers)),
      rows.map(() => '0'),
    ]);
    await this.wakeRelay(manager);
  }

  /**
   * Erasure of subject keys on the key topic of each `dataTopic`: a tombstone (no value) for the key, which a compacted
   * key topic then drops with the key; every reader forgets the key when it reads it.
   */
  async appendKeyErasures(manager: EntityManager, erasures: readonly { dataTopic: string; keyId: string }[]): Promise<void> {
    await this.appendRecords(manager, erasures.map(({ dataTopic, keyId }) => ({ id: randomUUID(), topic: subjectKeyTopicOf(dataTopic), eventType: SUBJECT_KEY_RECORD, key: keyId, value: null, headers: {} })));
  }

  /**
   * Crypto-shreds subjects in the transaction of `manager`: deletes the current authority's keys of them and sends the
   * tombstone of each key deleted, and a register's (the router publishes no snapshots) of each subject's snapshot key
   * (snapshot-sealing.ts), to the readers of the outgoing topic: nothing sent sealed with them opens any more. A
   * snapshot key is withdrawn whether or not a snapshot was ever published: a tombstone of a key that is not there
   * costs a record. Returns the keys deleted.
   */
  async shredKeys(manager: EntityManager, shredded: readonly { subject: EventSubject; snapshotKeyId: string }[]): Promise<DeletedSubjectKey[]> {
    const erased = await eraseSenderKeys(manager, shredded.map(({ subject }) => subject));
    const snapshotKeyIds = this.options.level ? shredded.map(({ snapshotKeyId }) => snapshotKeyId) : [];
    await this.appendKeyErasures(manager, [...erased.map(({ keyId }) => keyId), ...snapshotKeyIds].map((keyId) => ({ dataTopic: this.outgoingTopic, keyId })));
    return erased;
  }

  /** The provider's one outgoing topic, whichever hosted authority sends (the envelope's source, from currentAuthority). */
  private get outgoingTopic(): string {
    return outgoingTopicOf(this.options.app, this.options.instanceKey, this.options.namespace);
  }

  private eventOf<T extends EventType>(draft: EventDraft<T>): EventTypes[T] {
    if (!this.options.level) throw new Error(`outbox: ${this.options.app} has no level and sends no events of its own`);
    return {
      ...draft.payload,
      envelope: {
        eventId: randomUUID(),
        eventType: draft.eventType,
        occurredAt: new Date(),
        source: { level: this.options.level, instanceKey: currentAuthority(), register: draft.register },
        subject: draft.subject,
        subjectVersion: 0,
        correlationId: draft.correlationId,
        causationId: draft.causationId,
        legalBasis: draft.legalBasis,
      },
    } as unknown as EventTypes[T];
  }

  /** `trace`: the append span's `traceparent` (and `tracestate`), the creation context consumers continue. */
  private headersOf(event: RegsyncEvent, trace: Record<string, string>): Record<string, string> {
    return {
      [KAFKA_HEADERS.eventType]: event.envelope.eventType,
      [KAFKA_HEADERS.eventId]: event.envelope.eventId,
      [KAFKA_HEADERS.correlationId]: event.envelope.correlationId,
      ...trace,
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-codec';
import { EventPayload, EventSubject, EventType, EventTypes, RegisterKind, RegsyncEvent } from '@regsync/contracts/generated/events';
import { namespaced, topicOf } from '@regsync/contracts/topic-catalog';
import { KAFKA_HEADERS } from './kafka-headers';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging-options';
import { nextTraceparent } from './trace-context';

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

/** Writes outgoing events in the caller's transaction; the outbox relay publishes them after commit. */
@Injectable()
export class Outbox {
  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly codec: EventCodec,
  ) {}

  /**
   * Assigns eventId, occurredAt and the next subject version, encodes the event and stores it, all in the
   * transaction of `manager`. Throws EventEncodeError (naming the fields) before anything is written.
   */
  async append<T extends EventType>(manager: EntityManager, draft: EventDraft<T>): Promise<EventTypes[T]> {
    if (!manager.queryRunner?.isTransactionActive) throw new Error('outbox: append needs the EntityManager of an open transaction');
    const event = {
      ...draft.payload,
      envelope: {
        eventId: randomUUID(),
        eventType: draft.eventType,
        occurredAt: new Date(),
        source: { level: this.options.level, instanceKey: this.options.instanceKey, register: draft.register },
        subject: draft.subject,
        subjectVersion: 1,
        correlationId: draft.correlationId,
        causationId: draft.causationId,
        legalBasis: draft.legalBasis,
      },
    } as unknown as EventTypes[T];
    // Validates the fields first, so an invalid event leaves no trace (not even a used-up version number).
    this.codec.encode(event as RegsyncEvent);

    // The counter row stays locked until commit, so a subject's events get their ids in version order.
    const [{ version }] = (await manager.query(
      `insert into regsync_subject_version (register, subject_kind, subject_id, version) values ($1, $2, $3, 1)
       on conflict (register, subject_kind, subject_id) do update set version = regsync_subject_version.version + 1
       returning version`,
      [draft.register, draft.subject.kind, draft.subject.id],
    )) as { version: string }[];
    event.envelope.subjectVersion = Number(version);

    const headers = {
      [KAFKA_HEADERS.eventType]: draft.eventType,
      [KAFKA_HEADERS.eventId]: event.envelope.eventId,
      [KAFKA_HEADERS.correlationId]: draft.correlationId,
      [KAFKA_HEADERS.traceparent]: nextTraceparent(),
    };
    await manager.query(
      `insert into regsync_outbox (event_id, event_type, topic, record_key, payload, headers, subject_version) values ($1, $2, $3, $4, $5, $6, $7)`,
      [event.envelope.eventId, draft.eventType, namespaced(topicOf(draft.eventType).name, this.options.namespace), draft.subject.id, this.codec.encode(event as RegsyncEvent), headers, version],
    );
    return event;
  }
}

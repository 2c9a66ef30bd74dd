import * as avro from 'avsc';
import { latestSchemas } from '@regsync/contracts/event-encoding';
import { EventType } from '@regsync/contracts/generated/events';

// Confluent framing: magic byte and 4-byte schema id before the Avro body.
const FRAMING_LENGTH = 5;

let envelopeHeads: Map<EventType, avro.Type> | undefined;

/**
 * Where `envelope.subjectVersion` sits in `bytes`, an event encoded (Confluent framing) with subjectVersion 0: the
 * one byte the relay replaces with the version the outbox statement assigned (`withSubjectVersion`), so each event is
 * encoded once and its version counter and outbox row take one statement. Found by reading the envelope fields before it.
 */
export function subjectVersionOffset(eventType: EventType, bytes: Buffer): number {
  envelopeHeads ??= envelopeHeadTypes();
  const head = envelopeHeads.get(eventType);
  if (!head) throw new Error(`outbox: no schema for ${eventType}`);
  const { offset } = head.decode(bytes, FRAMING_LENGTH);
  if (offset < 0 || bytes[offset] !== 0) throw new Error(`outbox: ${eventType} was not encoded with subjectVersion 0`);
  return offset;
}

const AVRO_LONG = avro.Type.forSchema('long');

/**
 * `bytes`, encoded with subjectVersion 0, with `version` in the slot at `offset` (`subjectVersionOffset`): the event as
 * the relay publishes it. Avro writes a long as a zigzag varint, so the one-byte 0 becomes one to eight bytes.
 */
export function withSubjectVersion(bytes: Buffer, offset: number, version: number): Buffer {
  return Buffer.concat([bytes.subarray(0, offset), AVRO_LONG.toBuffer(version), bytes.subarray(offset + 1)]);
}

/** The columns of an outbox row the relay publishes its value from. */
export interface StoredPayload {
  /** Null: a tombstone. */
  payload: Buffer | null;
  /** Null: published as stored (a delivery, dead letter, state or key record; an event stored before the slot moved here). */
  version_offset: number | null;
  subject_version: string;
}

/** The value the relay publishes for an outbox row: an event of this instance's with its subject version written in. */
export function publishedPayload({ payload, version_offset, subject_version }: StoredPayload): Buffer | null {
  return version_offset === null ? payload : withSubjectVersion(payload!, version_offset, Number(subject_version));
}

/** Per event type, a record of its envelope's fields up to (without) subjectVersion. */
function envelopeHeadTypes(): Map<EventType, avro.Type> {
  const heads = new Map<EventType, avro.Type>();
  for (const [eventType, { schema }] of latestSchemas()) {
    const envelope = schema.fields[0].type as { fields: { name: string }[] };
    const end = envelope.fields.findIndex((field) => field.name === 'subjectVersion');
    if (schema.fields[0].name !== 'envelope' || end < 0) throw new Error(`outbox: ${eventType} has no envelope.subjectVersion`);
    heads.set(eventType, avro.Type.forSchema({ type: 'record', name: 'EnvelopeHead', fields: envelope.fields.slice(0, end) } as avro.Schema));
  }
  return heads;
}

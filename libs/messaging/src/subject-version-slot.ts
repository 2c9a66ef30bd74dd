import * as avro from 'avsc';
import { latestSchemas } from '@regsync/contracts/event-schemas';
import { EventType } from '@regsync/contracts/generated/events';

// Confluent framing: magic byte and 4-byte schema id before the Avro body.
const FRAMING_LENGTH = 5;

let envelopeHeads: Map<EventType, avro.Type> | undefined;

/**
 * Where `envelope.subjectVersion` sits in `bytes`, an event encoded (Confluent framing) with subjectVersion 0: the
 * one byte the database replaces with the version it assigns (`regsync_avro_long`), so each event is encoded once
 * and its version counter and outbox row take one statement. Found by reading the envelope fields before it.
 */
export function subjectVersionOffset(eventType: EventType, bytes: Buffer): number {
  envelopeHeads ??= envelopeHeadTypes();
  const head = envelopeHeads.get(eventType);
  if (!head) throw new Error(`outbox: no schema for ${eventType}`);
  const { offset } = head.decode(bytes, FRAMING_LENGTH);
  if (offset < 0 || bytes[offset] !== 0) throw new Error(`outbox: ${eventType} was not encoded with subjectVersion 0`);
  return offset;
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

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AvroRecordSchema } from './event-schemas';
import type { EventEnvelope, RegsyncEvent } from './generated/events';

/** Full name of the sealed form of every event and delivery (`SEALED_EVENT_SCHEMA`). */
export const SEALED_EVENT_NAME = 'de.regsync.SealedEvent';

/** Registry subject of the sealed form (one schema for every event type: the type is in the clear envelope). */
export const SEALED_EVENT_SUBJECT = `regsync.sealed.v1-${SEALED_EVENT_NAME}`;

/**
 * Events sent in the clear although the sender seals: PersonErased must reach every holder after the person's keys are
 * gone, and carries nothing personal beyond its envelope (the subject's id).
 */
export const SENT_IN_THE_CLEAR: ReadonlySet<string> = new Set(['PersonErased']);

/** A subject's data key (AES-256) and its id, which the sealed records name. */
export interface SubjectKey {
  id: string;
  key: Buffer;
}

/** The record value on the wire: the envelope readable, the event (or delivery) itself encrypted with a subject key. */
export interface SealedEvent {
  envelope: EventEnvelope;
  keyId: string;
  nonce: Buffer;
  /** AES-256-GCM of the Confluent-framed event (its envelope with subjectVersion 0), the 16-byte tag appended. */
  ciphertext: Buffer;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The sealed form's schema: the event's own envelope record, so routing, ordering, inbox, hold at a gap and dead
 * letters read it without a key (and the outbox writes the subject version into it as into any event), then the key id,
 * nonce and ciphertext.
 */
export function sealedEventSchemaOf(eventSchema: AvroRecordSchema): AvroRecordSchema {
  const envelope = eventSchema.fields.find((field) => field.name === 'envelope');
  if (!envelope) throw new Error(`${eventSchema.name} has no envelope`);
  return {
    type: 'record',
    name: 'SealedEvent',
    namespace: 'de.regsync',
    doc: 'A regsync event whose content is encrypted with the data key of its subject (crypto-shredding): deleting the key makes every copy unreadable.',
    fields: [
      { ...envelope, type: envelope.type },
      { name: 'keyId', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'nonce', type: 'bytes' },
      { name: 'ciphertext', type: 'bytes' },
    ],
  } as AvroRecordSchema;
}

/**
 * Encrypts `framedEvent` with the subject key. The associated data binds the ciphertext to its event id, subject and
 * key, so it cannot be passed off under another envelope; the subject version is left out because the outbox writes
 * it into the clear envelope after sealing.
 */
export function seal(framedEvent: Buffer, envelope: EventEnvelope, subjectKey: SubjectKey): Omit<SealedEvent, 'envelope'> {
  return { keyId: subjectKey.id, ...sealBytes(framedEvent, subjectKey.key, associatedDataOf(envelope, subjectKey.id)) };
}

/** AES-256-GCM of `plain` with a fresh nonce, bound to `associatedData`; the 16-byte tag is appended to the ciphertext. */
export function sealBytes(plain: Buffer, key: Buffer, associatedData: Buffer): { nonce: Buffer; ciphertext: Buffer } {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData);
  return { nonce, ciphertext: Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]) };
}

/** The plain bytes of `sealBytes`; throws when the key or the associated data differ or the bytes were changed. */
export function openBytes({ nonce, ciphertext }: { nonce: Buffer; ciphertext: Buffer }, key: Buffer, associatedData: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(associatedData);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
  return Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_BYTES)), decipher.final()]);
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * The event as it is encoded inside its sealed form: the envelope's texts emptied (a reader takes the clear envelope),
 * so the sealed form does not carry them twice; kinds, time and version keep the record valid.
 */
export function innerEventOf(event: RegsyncEvent): RegsyncEvent {
  const { envelope } = event;
  return { ...event, envelope: { ...envelope, eventId: NIL_UUID, source: { ...envelope.source, instanceKey: '' }, subject: { ...envelope.subject, id: '' }, correlationId: '', causationId: null, legalBasis: '' } } as RegsyncEvent;
}

/** The framed event of a sealed record; throws when the key is not the one it was sealed with or the bytes were changed. */
export function open(sealed: SealedEvent, key: Buffer): Buffer {
  return openBytes(sealed, key, associatedDataOf(sealed.envelope, sealed.keyId));
}

function associatedDataOf(envelope: EventEnvelope, keyId: string): Buffer {
  return Buffer.from(`${envelope.eventId}\n${envelope.subject.kind}\n${envelope.subject.id}\n${keyId}`);
}

import type { EventSubject } from './generated/events';

/** One delivery as the recipient's consumer reads it from its delivery topic: its headers and Confluent-framed bytes. */
export interface StateDelivery {
  headers: Record<string, string>;
  value: Buffer;
}

/**
 * The value of a subject's record on a recipient's state topic (topic-catalog `stateTopicOf`): every delivery the
 * router made of the subject to that recipient instance, oldest first, each as sent (the recipient's projection).
 * JSON, the bytes in base64: the record is an envelope around deliveries whose own format is Avro.
 */
export interface StateRecord {
  subject: EventSubject;
  deliveries: StateDelivery[];
}

export function encodeStateRecord(record: StateRecord): Buffer {
  return Buffer.from(JSON.stringify({ subject: record.subject, deliveries: record.deliveries.map(({ headers, value }) => ({ headers, value: value.toString('base64') })) }));
}

export function decodeStateRecord(bytes: Buffer): StateRecord {
  const { subject, deliveries } = JSON.parse(bytes.toString()) as { subject: EventSubject; deliveries: { headers: Record<string, string>; value: string }[] };
  return { subject, deliveries: deliveries.map(({ headers, value }) => ({ headers, value: Buffer.from(value, 'base64') })) };
}

import type { EventSubject } from './generated/events';

/** One delivery as the recipient's consumer reads it from its delivery topic: its headers and Confluent-framed bytes. */
export interface StateDelivery {
  headers: Record<string, string>;
  value: Buffer;
}

/**
 * The value of a subject's record on a recipient's state topic (topic-catalog `stateTopicOf`): every delivery the
 * router made of the subject to that recipient instance, oldest first, each as sent (the recipient's projection).
 */
export interface StateRecord {
  subject: EventSubject;
  deliveries: StateDelivery[];
}

/** A delivery as the router stores it for its state records: the headers as JSON text, so they are not parsed again. */
export interface StoredStateDelivery {
  headersJson: string;
  value: Buffer;
}

/**
 * The first byte of a binary state record. Records written before it are JSON (the bytes in base64), starting with `{`,
 * and stay readable: a compacted state topic keeps them until their subject's next delivery.
 * Binary: format byte, subject kind and id (uint16 length + UTF-8), delivery count (uint32), then per delivery its
 * headers as JSON (uint32 length + UTF-8) and its bytes (uint32 length + bytes), as sent. The record is rewritten with
 * every delivery of its subject, so it carries the bytes as they are: no base64, no JSON around them.
 */
const BINARY_FORMAT = 1;

export function encodeStateRecord(subject: EventSubject, deliveries: readonly StoredStateDelivery[]): Buffer {
  const kind = Buffer.from(subject.kind);
  const id = Buffer.from(subject.id);
  const headers = deliveries.map((delivery) => Buffer.from(delivery.headersJson));
  const size = 1 + 2 + kind.length + 2 + id.length + 4 + deliveries.reduce((sum, delivery, index) => sum + 8 + headers[index].length + delivery.value.length, 0);
  const bytes = Buffer.allocUnsafe(size);
  let at = bytes.writeUInt8(BINARY_FORMAT, 0);
  at = bytes.writeUInt16BE(kind.length, at);
  at += kind.copy(bytes, at);
  at = bytes.writeUInt16BE(id.length, at);
  at += id.copy(bytes, at);
  at = bytes.writeUInt32BE(deliveries.length, at);
  for (const [index, { value }] of deliveries.entries()) {
    at = bytes.writeUInt32BE(headers[index].length, at);
    at += headers[index].copy(bytes, at);
    at = bytes.writeUInt32BE(value.length, at);
    at += value.copy(bytes, at);
  }
  return bytes;
}

export function decodeStateRecord(bytes: Buffer): StateRecord {
  if (bytes[0] !== BINARY_FORMAT) return decodeJsonStateRecord(bytes);
  let at = 1;
  const lengthOf = (width: 2 | 4) => {
    const length = width === 2 ? bytes.readUInt16BE(at) : bytes.readUInt32BE(at);
    at += width;
    return length;
  };
  const take = (width: 2 | 4) => {
    const length = lengthOf(width);
    return bytes.subarray(at, (at += length));
  };
  const kind = take(2).toString();
  const id = take(2).toString();
  const deliveries: StateDelivery[] = [];
  const count = lengthOf(4);
  while (deliveries.length < count) {
    const headers = JSON.parse(take(4).toString()) as Record<string, string>;
    // A copy: the delivery outlives the fetched batch the record came in.
    deliveries.push({ headers, value: Buffer.from(take(4)) });
  }
  return { subject: { kind, id } as EventSubject, deliveries };
}

function decodeJsonStateRecord(bytes: Buffer): StateRecord {
  const { subject, deliveries } = JSON.parse(bytes.toString()) as { subject: EventSubject; deliveries: { headers: Record<string, string>; value: string }[] };
  return { subject, deliveries: deliveries.map(({ headers, value }) => ({ headers, value: Buffer.from(value, 'base64') })) };
}

import { createHash } from 'node:crypto';
import { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import { isOutgoingTopic, redriveTopicOf } from '@regsync/contracts/topic-catalog';
import { DLQ_HEADER_PREFIX, KAFKA_HEADERS, headerText } from '@regsync/contracts/kafka-headers';

/** Why and where a message failed, read from the `regsync-dlq-*` headers of a dead-letter record. */
export interface DeadLetterInfo {
  reasonCode: string;
  reason: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumerGroup: string;
  failedAt: Date;
  attempts: number;
}

export interface DeadLetterFailure {
  reasonCode: string;
  reason: string;
  sourceTopic: string;
  sourcePartition: number;
  consumerGroup: string;
  attempts: number;
}

/** A dead letter as the outbox stores it: the relay publishes it in a Kafka transaction like any outgoing record. */
export interface DeadLetterRow {
  /** Derived from where the message failed, so the same failure recorded twice is one row (one dead letter). */
  id: string;
  topic: string;
  eventType: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** The dead-letter record of a failed message: its original key, bytes and headers, plus why and where it failed. */
export function deadLetterRecord(message: KafkaMessage, failure: DeadLetterFailure): Message {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...withoutDeadLetterHeaders(message.headers),
      [KAFKA_HEADERS.dlqReasonCode]: failure.reasonCode,
      [KAFKA_HEADERS.dlqReason]: failure.reason,
      [KAFKA_HEADERS.dlqSourceTopic]: failure.sourceTopic,
      [KAFKA_HEADERS.dlqSourcePartition]: String(failure.sourcePartition),
      [KAFKA_HEADERS.dlqSourceOffset]: message.offset,
      [KAFKA_HEADERS.dlqConsumerGroup]: failure.consumerGroup,
      [KAFKA_HEADERS.dlqFailedAt]: new Date().toISOString(),
      [KAFKA_HEADERS.dlqAttempts]: String(failure.attempts),
    },
  };
}

/**
 * `deadLetterRecord` as an outbox row for `topic`, written in the transaction that commits the rest of its chunk. A
 * crash before the offset commit makes the consumer fail the message again; its id (where it failed) then makes that
 * a no-op, so no reader sees the dead letter twice.
 */
export function deadLetterRow(topic: string, message: KafkaMessage, eventType: string, failure: DeadLetterFailure): DeadLetterRow {
  const record = deadLetterRecord(message, failure);
  return {
    id: deadLetterIdOf(failure.consumerGroup, failure.sourceTopic, failure.sourcePartition, message.offset),
    topic,
    eventType,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers: textHeaders(record.headers ?? {}),
  };
}

/** A name-based UUID (RFC 9562 version 5 layout, SHA-1) of the consumer group and the failed record's position. */
export function deadLetterIdOf(consumerGroup: string, topic: string, partition: number, offset: string): string {
  const hash = createHash('sha1').update(`regsync-dead-letter\u0000${consumerGroup}\u0000${topic}\u0000${partition}\u0000${offset}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Reads the failure of a dead-letter record (for the replay tool and the dashboard). */
export function deadLetterInfo(message: Pick<KafkaMessage, 'headers'>): DeadLetterInfo {
  const header = (name: string) => {
    const value = headerText(message.headers?.[name]);
    if (value === undefined) throw new Error(`dead letter: header ${name} is missing`);
    return value;
  };
  return {
    reasonCode: header(KAFKA_HEADERS.dlqReasonCode),
    reason: header(KAFKA_HEADERS.dlqReason),
    sourceTopic: header(KAFKA_HEADERS.dlqSourceTopic),
    sourcePartition: Number(header(KAFKA_HEADERS.dlqSourcePartition)),
    sourceOffset: header(KAFKA_HEADERS.dlqSourceOffset),
    consumerGroup: headerText(message.headers?.[KAFKA_HEADERS.dlqConsumerGroup]) ?? '',
    failedAt: new Date(header(KAFKA_HEADERS.dlqFailedAt)),
    attempts: Number(header(KAFKA_HEADERS.dlqAttempts)),
  };
}

/**
 * Produces a dead letter back to where its consumer reads it again: the original key, bytes and headers (without
 * `regsync-dlq-*`). The record keeps its key, so it lands on its subject's partition; the inbox makes a re-drive of an
 * event that was applied meanwhile a no-op. Returns the topic it was written to.
 */
export async function redrive(producer: Producer, record: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): Promise<string> {
  const { topic, headers } = redriveTargetOf(deadLetterInfo(record), record.headers);
  await producer.send({ topic, acks: -1, messages: [{ key: record.key, value: record.value, headers }] });
  return topic;
}

/**
 * A dead letter of the router (it came from a sender's outgoing topic) goes to the router's re-drive topic with the
 * outgoing topic in `regsync-sent-on-topic`, so the router judges the sender as before without anybody writing the
 * sender's own stream; any other dead letter goes back to its source topic (a delivery topic, or the re-drive topic
 * itself, whose record still names where it was sent).
 */
export function redriveTargetOf(info: Pick<DeadLetterInfo, 'sourceTopic' | 'consumerGroup'>, headers: IHeaders | undefined): { topic: string; headers: IHeaders } {
  const kept = withoutDeadLetterHeaders(headers);
  if (!isOutgoingTopic(info.sourceTopic)) return { topic: info.sourceTopic, headers: kept };
  return { topic: redriveTopicOf(info.consumerGroup), headers: { ...kept, [KAFKA_HEADERS.sentOnTopic]: info.sourceTopic } };
}

function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name, value]) => !name.startsWith(DLQ_HEADER_PREFIX) && value !== undefined));
}

export function textHeaders(headers: IHeaders): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).flatMap(([name, value]) => {
    const text = headerText(value);
    return text === undefined ? [] : [[name, text]];
  }));
}

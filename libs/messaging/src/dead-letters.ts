import { createHash } from 'node:crypto';
import { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
import { redriveTopicOf, DLQ_HEADER_PREFIX, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import type { OutboxRecord } from './outbox';

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

/**
 * The reason a sealed event is refused for, without any of its content: every value of its payload (texts, numbers
 * of three digits or more, dates as the rules write them) replaced by `…`. A dead letter's headers are in the clear
 * and outlive the erasure of its subject, whose sealed bytes no key opens any more; "movedInOn: 1970-01-01 is before
 * the date of birth 1984-07-02" keeps the field and the rule, not the dates.
 */
export function reasonWithoutContent(reason: string, event: RegsyncEvent): string {
  const { envelope: _envelope, ...payload } = event as RegsyncEvent & Record<string, unknown>;
  const values = [...new Set(leafTexts(payload))].filter((value) => value.length >= 3).sort((a, b) => b.length - a.length);
  return values.reduce((text, value) => text.split(value).join('…'), reason);
}

function leafTexts(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'bigint') return [String(value)];
  if (value instanceof Date) return [value.toISOString(), value.toISOString().slice(0, 10)];
  if (Array.isArray(value)) return value.flatMap(leafTexts);
  if (value && typeof value === 'object') return Object.values(value).flatMap(leafTexts);
  return [];
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
export function deadLetterRow(topic: string, message: KafkaMessage, eventType: string, failure: DeadLetterFailure): OutboxRecord {
  const record = deadLetterRecord(message, failure);
  return {
    id: deadLetterIdOf(failure.consumerGroup, failure.sourceTopic, failure.sourcePartition, message.offset),
    topic,
    eventType,
    key: message.key?.toString() ?? null,
    // A record without a value (a tombstone) cannot be an event; its dead letter keeps the failure, with empty bytes.
    value: message.value ?? Buffer.alloc(0),
    headers: textHeaders(record.headers ?? {}),
  };
}

/** A name-based UUID (RFC 9562 version 5 layout, SHA-1) of the consumer group and the failed record's position. */
export function deadLetterIdOf(consumerGroup: string, topic: string, partition: number, offset: string): string {
  return positionIdOf('regsync-dead-letter', consumerGroup, topic, partition, offset);
}

/** A name-based UUID of what `purpose` derives from one record a consumer group read (RFC 9562 version 5 layout). */
export function positionIdOf(purpose: string, consumerGroup: string, topic: string, partition: number, offset: string): string {
  const hash = createHash('sha1').update(`${purpose}\u0000${consumerGroup}\u0000${topic}\u0000${partition}\u0000${offset}`).digest();
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

/** Where a re-drive wrote a dead letter: its group's retry topic, at this position. */
export interface RedrivenRecord {
  deadLetterId: string;
  consumerGroup: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Offers a dead letter to its consumer group again: the original key (so its subject's partition), bytes and headers
 * (without `regsync-dlq-*`) on the group's retry topic (redriveTargetOf). The group's inbox makes a re-drive of an event
 * applied meanwhile a no-op, and it reports what it made of the record on its re-drive outcome topic.
 */
export async function redrive(producer: Producer, record: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): Promise<RedrivenRecord> {
  const info = deadLetterInfo(record);
  const { topic, headers } = redriveTargetOf(info, record.headers);
  const [written] = await producer.send({ topic, acks: -1, messages: [{ key: record.key, value: record.value, headers }] });
  return { deadLetterId: deadLetterIdOfInfo(info), consumerGroup: info.consumerGroup, topic, partition: written.partition, offset: written.baseOffset ?? written.offset ?? '' };
}

/**
 * Every dead letter goes to the retry topic of the consumer group that failed it, never back to a shared delivery topic
 * (every group reading it would see it again) or a sender's outgoing topic (which only that sender writes). The
 * record names the topic it was first read from in `regsync-sent-on-topic` (one that failed on the retry topic keeps
 * the one it names), so the group judges it as if read from there, and the dead letter's id in `regsync-redrive-of`.
 */
export function redriveTargetOf(info: Pick<DeadLetterInfo, 'consumerGroup' | 'sourceTopic' | 'sourcePartition' | 'sourceOffset'>, headers: IHeaders | undefined): { topic: string; headers: IHeaders } {
  if (!info.consumerGroup) throw new Error(`dead letter from ${info.sourceTopic}: no ${KAFKA_HEADERS.dlqConsumerGroup}, so no retry topic to re-drive it to`);
  const kept = withoutDeadLetterHeaders(headers);
  const topic = redriveTopicOf(info.consumerGroup);
  const sentOn = info.sourceTopic === topic ? headerText(kept[KAFKA_HEADERS.sentOnTopic]) : info.sourceTopic;
  return { topic, headers: { ...kept, ...(sentOn ? { [KAFKA_HEADERS.sentOnTopic]: sentOn } : {}), [KAFKA_HEADERS.redriveOf]: deadLetterIdOfInfo(info) } };
}

/** The id of a dead letter, from where it failed (as its outbox row got it). */
export function deadLetterIdOfInfo(info: Pick<DeadLetterInfo, 'consumerGroup' | 'sourceTopic' | 'sourcePartition' | 'sourceOffset'>): string {
  return deadLetterIdOf(info.consumerGroup, info.sourceTopic, info.sourcePartition, info.sourceOffset);
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

import { IHeaders, KafkaMessage, Message, Producer } from 'kafkajs';
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
 * Produces a dead letter back to its source topic: the original key, bytes and headers (without `regsync-dlq-*`).
 * The record keeps its key, so it lands on its subject's partition; the inbox makes a re-drive of an event that
 * was applied meanwhile a no-op.
 */
export async function redrive(producer: Producer, record: Pick<KafkaMessage, 'key' | 'value' | 'headers'>): Promise<void> {
  const { sourceTopic } = deadLetterInfo(record);
  await producer.send({ topic: sourceTopic, acks: -1, messages: [{ key: record.key, value: record.value, headers: withoutDeadLetterHeaders(record.headers) }] });
}

function withoutDeadLetterHeaders(headers: IHeaders | undefined): IHeaders {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name, value]) => !name.startsWith(DLQ_HEADER_PREFIX) && value !== undefined));
}

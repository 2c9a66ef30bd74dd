/** Kafka header names on every regsync event and, for dead letters, the `regsync-dlq-*` ones (docs/architecture.md). */
export const KAFKA_HEADERS = {
  eventType: 'regsync-event-type',
  eventId: 'regsync-event-id',
  correlationId: 'regsync-correlation-id',
  traceparent: 'traceparent',
  /** On a delivery topic: the register of the receiving instance the router addressed. */
  recipientRegister: 'regsync-recipient-register',
  /**
   * On a delivery topic: the authority (AGS, Land code, 'DE') the router addressed; a provider's delivery topic carries
   * the deliveries of every authority it hosts, and its consumer applies each record as this authority only.
   */
  recipientAuthority: 'regsync-recipient-authority',
  /**
   * On a delivery topic: the subject version of the event of the same subject and sender the router delivered to this
   * topic before this one (absent: none, or a record from before the stamp). The recipient holds the event until it
   * has applied that version (hold at a gap).
   */
  previousDeliveredVersion: 'regsync-previous-delivered-version',
  /** On a consumer group's retry topic: the topic the event was first read from (its delivery topic, or an outgoing topic that proves its sender). */
  sentOnTopic: 'regsync-sent-on-topic',
  /** On a consumer group's retry topic: the id of the dead letter re-driven; it keys the re-drive's outcome record. */
  redriveOf: 'regsync-redrive-of',
  dlqReason: 'regsync-dlq-reason',
  dlqReasonCode: 'regsync-dlq-reason-code',
  dlqSourceTopic: 'regsync-dlq-source-topic',
  dlqSourcePartition: 'regsync-dlq-source-partition',
  dlqSourceOffset: 'regsync-dlq-source-offset',
  dlqConsumerGroup: 'regsync-dlq-consumer-group',
  dlqFailedAt: 'regsync-dlq-failed-at',
  dlqAttempts: 'regsync-dlq-attempts',
} as const;

export const DLQ_HEADER_PREFIX = 'regsync-dlq-';

/** A header value as a string (kafkajs hands out Buffers, arrays for repeated headers, or undefined). */
export function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[value.length - 1] : value;
  return single === undefined ? undefined : single.toString();
}

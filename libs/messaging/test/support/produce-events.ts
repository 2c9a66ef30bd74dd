import { Producer } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { EventType, RegsyncEvent } from '@regsync/contracts/generated/events';
import { deliveryTopicOf, KAFKA_HEADERS } from '@regsync/contracts/topics';
import { TEST_APP, TEST_INSTANCE_KEY } from './test-register.module';

/** An event with the router's stamp: the version of its subject delivered before it (hold at a gap). */
export interface StampedEvent {
  event: RegsyncEvent;
  deliveredAfter: number;
}

/**
 * Produces events on the test register's delivery topic as the router's relay would (same key, bytes and headers); a
 * Buffer is produced as-is (a poison message).
 * `producer` may be a transaction of a transactional producer.
 */
export async function produceEvents(producer: Pick<Producer, 'send'>, codec: EventCodec, namespace: string, key: string, events: (RegsyncEvent | StampedEvent | Buffer)[]): Promise<void> {
  await producer.send({
    topic: deliveryTopicOf(TEST_APP, TEST_INSTANCE_KEY, namespace),
    acks: -1,
    messages: events.map((entry) => {
      if (Buffer.isBuffer(entry)) return { key, value: entry };
      const { event, deliveredAfter } = 'deliveredAfter' in entry ? entry : { event: entry, deliveredAfter: undefined };
      return {
        key,
        value: codec.encode(event),
        headers: {
          [KAFKA_HEADERS.eventType]: event.envelope.eventType as EventType,
          [KAFKA_HEADERS.eventId]: event.envelope.eventId,
          [KAFKA_HEADERS.correlationId]: event.envelope.correlationId,
          [KAFKA_HEADERS.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          [KAFKA_HEADERS.recipientRegister]: 'MELDEREGISTER',
          ...(deliveredAfter === undefined ? {} : { [KAFKA_HEADERS.previousDeliveredVersion]: String(deliveredAfter) }),
        },
      };
    }),
  });
}

import { Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { SubjectKey } from '@regsync/contracts/event-encoding';
import type { EventSource, RegsyncEvent } from '@regsync/contracts/generated/events';
import { APP_OF_LEVEL, KAFKA_HEADERS, outgoingTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import type { ReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';

/**
 * Sends events on their senders' outgoing topics sealed with the sender's key of the subject, the key first on the
 * sender's key topic, as a register's relay does.
 */
export class SealedSender {
  /** The sender's current key per outgoing topic and subject. */
  readonly keys = new Map<string, SubjectKey>();

  constructor(
    private readonly env: ReplayTestEnvironment,
    private readonly producer: Producer,
  ) {}

  async send(events: readonly RegsyncEvent[]): Promise<void> {
    for (const event of events) {
      const { source, subject, eventType, eventId, correlationId } = event.envelope;
      const topic = outgoingTopicOf(APP_OF_LEVEL[source.level], source.instanceKey, this.env.namespace);
      let key = this.keys.get(`${topic} ${subject.id}`);
      if (!key) {
        key = { id: randomUUID(), key: randomBytes(32) };
        this.keys.set(`${topic} ${subject.id}`, key);
        await this.producer.send({ topic: subjectKeyTopicOf(topic), acks: -1, messages: [{ key: key.id, value: key.key }] });
      }
      const headers = { [KAFKA_HEADERS.eventType]: eventType, [KAFKA_HEADERS.eventId]: eventId, [KAFKA_HEADERS.correlationId]: correlationId };
      await this.producer.send({ topic, acks: -1, messages: [{ key: subject.id, value: this.env.codec.encodeSealed(event, key), headers }] });
    }
  }

  /** The sender seals the subject's next events with a new key (its erasure of a person the subject's events named). */
  rekey(source: EventSource, subjectId: string): void {
    this.keys.delete(`${outgoingTopicOf(APP_OF_LEVEL[source.level], source.instanceKey, this.env.namespace)} ${subjectId}`);
  }
}

import type { Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { SubjectKey } from '@regsync/contracts/event-encoding';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, APP_OF_LEVEL, outgoingTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import type { ReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';

/**
 * Sends events as their senders' relays do: each on its sender's outgoing topic, sealed with the sender's key of the
 * subject, the key first on the sender's key topic. `keys`: the keys made, by outgoing topic and subject id.
 */
export function sealedSender(env: ReplayTestEnvironment, producer: Producer) {
  const keys = new Map<string, SubjectKey>();
  async function send(events: readonly RegsyncEvent[]): Promise<void> {
    for (const event of events) {
      const { source, subject, eventType, eventId, correlationId } = event.envelope;
      const topic = outgoingTopicOf(APP_OF_LEVEL[source.level], source.instanceKey, env.namespace);
      let key = keys.get(`${topic} ${subject.id}`);
      if (!key) {
        key = { id: randomUUID(), key: randomBytes(32) };
        keys.set(`${topic} ${subject.id}`, key);
        await producer.send({ topic: subjectKeyTopicOf(topic), acks: -1, messages: [{ key: key.id, value: key.key }] });
      }
      const headers = { [KAFKA_HEADERS.eventType]: eventType, [KAFKA_HEADERS.eventId]: eventId, [KAFKA_HEADERS.correlationId]: correlationId };
      await producer.send({ topic, acks: -1, messages: [{ key: subject.id, value: env.codec.encodeSealed(event, key), headers }] });
    }
  }
  return { send, keys };
}

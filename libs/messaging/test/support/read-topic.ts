import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';

export interface ReadRecord {
  partition: number;
  message: KafkaMessage;
}

/** Reads a topic read_committed from its beginning until `expected` records arrived and `quietMs` passed without more. */
export async function readTopic(kafka: Kafka, topic: string, expected: number, { quietMs = 1_500, timeoutMs = 30_000 } = {}): Promise<ReadRecord[]> {
  const records: ReadRecord[] = [];
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let lastArrival = Date.now();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      records.push({ partition, message });
      lastArrival = Date.now();
    },
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (records.length < expected || Date.now() - lastArrival < quietMs)) await new Promise((resolve) => setTimeout(resolve, 100));
  await consumer.disconnect();
  return records;
}

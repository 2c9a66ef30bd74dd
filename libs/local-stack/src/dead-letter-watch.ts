import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';

/** A dead letter as the tests read it: the event's id and type and the reason headers. */
export interface DeadLetter {
  eventId?: string;
  eventType?: string;
  reasonCode?: string;
  reason?: string;
}

/** Reads a dead-letter topic from the beginning for the whole test. */
export class DeadLetterWatch {
  private readonly letters: DeadLetter[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(kafka: Kafka, topic: string): Promise<DeadLetterWatch> {
    const consumer = kafka.consumer({ groupId: `${topic}.test-watch.${randomUUID()}` });
    const watch = new DeadLetterWatch(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const header = (name: string) => message.headers?.[name]?.toString();
        watch.letters.push({ eventId: header('regsync-event-id'), eventType: header('regsync-event-type'), reasonCode: header('regsync-dlq-reason-code'), reason: header('regsync-dlq-reason') });
      },
    });
    return watch;
  }

  find(predicate: (letter: DeadLetter) => boolean): DeadLetter | undefined {
    return this.letters.find(predicate);
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

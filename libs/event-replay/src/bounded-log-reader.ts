import { randomUUID } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';
import { PartitionRange } from './log-range';

export interface LogChunk {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
}

export interface BoundedReadOptions {
  /** Prefix of the throw-away consumer group, e.g. `<namespace>.regsync-replay`; a random suffix is added. */
  groupPrefix: string;
  /** Called with consecutive messages of one partition, in offset order; the next chunk of that partition waits for it. */
  onChunk: (chunk: LogChunk) => Promise<void>;
  /** Called whenever a partition's read position moved (also over transaction markers, which carry no message). */
  onPosition?: (topic: string, partition: number, position: string) => void;
  /** Largest number of messages handed to one onChunk call. */
  chunkSize?: number;
  /** Resolves when the caller wants to stop early (Ctrl-C): the read ends after the chunk in progress. */
  stopSignal?: AbortSignal;
  partitionsConcurrently?: number;
}

/**
 * Reads fixed ranges of partitions read_committed and ends when every partition reached the end of its range.
 * kafkajs has no manual partition assignment, so it joins a consumer group of its own (random name, never
 * committed to, deleted afterwards) and seeks each partition; a service's live group is never touched.
 */
export async function readBoundedLog(kafka: Kafka, ranges: readonly PartitionRange[], options: BoundedReadOptions): Promise<{ stopped: boolean }> {
  const pending = new Map(ranges.filter((range) => BigInt(range.end) > BigInt(range.start)).map((range) => [keyOf(range.topic, range.partition), range]));
  if (pending.size === 0) return { stopped: false };
  const topics = [...new Set(ranges.map((range) => range.topic))];
  const groupId = `${options.groupPrefix}.${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, allowAutoTopicCreation: false });
  const chunkSize = options.chunkSize ?? 250;
  let failure: unknown;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const stopped = () => options.stopSignal?.aborted === true;
  options.stopSignal?.addEventListener('abort', () => finish(), { once: true });

  const advance = (topic: string, partition: number, lastOffset: string) => {
    const range = pending.get(keyOf(topic, partition));
    if (!range) return;
    const position = BigInt(lastOffset) + 1n;
    if (position <= BigInt(range.start)) return;
    options.onPosition?.(topic, partition, String(position < BigInt(range.end) ? position : BigInt(range.end)));
    if (position >= BigInt(range.end)) {
      pending.delete(keyOf(topic, partition));
      consumer.pause([{ topic, partitions: [partition] }]);
      if (pending.size === 0) finish();
    }
  };

  // Batches of only transaction markers or aborted records never reach eachBatch; this event still reports them.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => advance(payload.topic, payload.partition, payload.lastOffset));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    failure = payload.error;
    finish();
  });

  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: options.partitionsConcurrently ?? 6,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const range = pending.get(keyOf(batch.topic, batch.partition));
        if (!range) {
          // outside the ranges, or already at its end
          consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
          return;
        }
        const inRange = batch.messages.filter((message) => BigInt(message.offset) >= BigInt(range.start) && BigInt(message.offset) < BigInt(range.end));
        for (let from = 0; from < inRange.length && isRunning() && !isStale() && !stopped() && !failure; from += chunkSize) {
          const messages = inRange.slice(from, from + chunkSize);
          try {
            await options.onChunk({ topic: batch.topic, partition: batch.partition, messages });
          } catch (error) {
            // kafkajs would restart the consumer and retry; the caller decides instead (it already retried)
            failure = error;
            finish();
            return;
          }
          resolveOffset(messages[messages.length - 1].offset);
          advance(batch.topic, batch.partition, messages[messages.length - 1].offset);
          await heartbeat();
        }
      },
    });
    // Every partition of the subscribed topics is assigned to this consumer; those outside the ranges are skipped.
    for (const range of pending.values()) consumer.seek({ topic: range.topic, partition: range.partition, offset: range.start });
    await finished;
    if (failure) throw failure;
    return { stopped: stopped() && pending.size > 0 };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // an empty group without offsets expires on its own; failing to delete it early is harmless
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

import { Kafka, Message, Partitioners, PartitionMetadata, Producer, RecordMetadata, TopicMessages } from 'kafkajs';

/**
 * kafkajs 2.2.4 can resolve a send that spans several brokers without having written some of its partitions: when a
 * partition's leader moves, during the send's retries, to a broker that already answered, that partition is not sent
 * again (tulios/kafkajs#1303, open; fix proposed in #1798). In a transaction, the commit would then publish a batch
 * with holes. So this sender places every message on its partition itself, exactly as kafkajs' default partitioner
 * would, and throws unless every partition it sent to acknowledged the write.
 */
export class AcknowledgedSender {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  /** Per topic, read once: a topic's partition count decides where a key goes, so it must not change mid-run. */
  private readonly partitions = new Map<string, PartitionMetadata[]>();

  constructor(private readonly kafka: Kafka) {}

  async sendBatch(sender: Pick<Producer, 'sendBatch'>, topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    const placed = await this.place(topicMessages);
    const acknowledged = await sender.sendBatch({ acks: -1, topicMessages: placed });
    const missing = unacknowledgedPartitions(placed, acknowledged);
    if (missing.length > 0) throw new UnacknowledgedPartitionsError(missing);
    return acknowledged;
  }

  private async place(topicMessages: TopicMessages[]): Promise<TopicMessages[]> {
    const unknown = [...new Set(topicMessages.map(({ topic }) => topic))].filter((topic) => !this.partitions.has(topic));
    if (unknown.length > 0) {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: unknown });
        for (const { name, partitions } of topics) this.partitions.set(name, partitions);
      } finally {
        await admin.disconnect();
      }
    }
    return topicMessages.map(({ topic, messages }) => ({
      topic,
      messages: messages.map((message): Message => (message.partition === undefined ? { ...message, partition: this.partitioner({ topic, partitionMetadata: this.partitions.get(topic)!, message }) } : message)),
    }));
  }
}

export class UnacknowledgedPartitionsError extends Error {
  constructor(readonly partitions: string[]) {
    super(`kafkajs reported the send done, but ${partitions.join(', ')} did not acknowledge it (a leader moved during its retries); nothing of it counts`);
  }
}

/** The partitions (`topic[partition]`) that messages of `sent` went to and that have no error-free acknowledgement. */
export function unacknowledgedPartitions(sent: readonly TopicMessages[], acknowledged: readonly RecordMetadata[]): string[] {
  const done = new Set(acknowledged.filter(({ errorCode }) => errorCode === 0).map(({ topicName, partition }) => `${topicName}[${partition}]`));
  const wanted = new Set(sent.flatMap(({ topic, messages }) => messages.map(({ partition }) => `${topic}[${partition}]`)));
  return [...wanted].filter((partition) => !done.has(partition)).sort();
}

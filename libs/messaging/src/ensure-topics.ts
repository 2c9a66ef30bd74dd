import { Kafka, ITopicConfig } from 'kafkajs';
import { EVENT_TOPICS, OUTBOX_PROGRESS_TOPIC, TopicDefinition, consumerGroupOf, deadLetterTopicOf, namespaced } from '@regsync/contracts/topic-catalog';

export interface EnsureTopicsOptions {
  app: string;
  instanceKey: string;
  namespace: string;
}

/**
 * Creates the event topics, the compacted relay progress topic and this instance's dead-letter topic unless they
 * exist (auto-creation is off on regsync brokers). Replication follows the cluster: min(3, brokers).
 */
export async function ensureTopics(kafka: Kafka, options: EnsureTopicsOptions): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const replicationFactor = Math.min(3, brokers.length);
    const wanted: ITopicConfig[] = [
      ...Object.values(EVENT_TOPICS).map((topic: TopicDefinition) => ({ topic: namespaced(topic.name, options.namespace), numPartitions: topic.partitions, replicationFactor })),
      { topic: namespaced(OUTBOX_PROGRESS_TOPIC, options.namespace), numPartitions: 1, replicationFactor, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: deadLetterTopicOf(consumerGroupOf(options.app, options.instanceKey, options.namespace)), numPartitions: 1, replicationFactor },
    ];
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic.topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
    } catch (error) {
      // Several instances start at once; the topics another one just created are fine.
      const failures = (error as { errors?: { type?: string }[]; type?: string }).errors ?? [error as { type?: string }];
      if (!failures.every((failure) => failure.type === 'TOPIC_ALREADY_EXISTS')) throw error;
    }
  } finally {
    await admin.disconnect();
  }
}

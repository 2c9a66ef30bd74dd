import { Logger } from '@nestjs/common';
import { Admin, ConfigResourceTypes, Kafka, ITopicConfig } from 'kafkajs';
import { TopicKind, consumerGroupOf, deadLetterTopicOf, outboxProgressTopicOf, outgoingTopicOf, outgoingTopicOwner, redriveOutcomeTopicOf, redriveTopicOf, stateTopicReader, subjectKeyTopicOf, topicSettingsOf, erasureBoundProblems, topicSettingProblems } from '@regsync/contracts/topics';
import { StartupRefusedError } from '@regsync/service-runtime/service-startup';
import { MessagingOptions, sourceTopics } from './messaging-options';

export type EnsureTopicsOptions = Pick<MessagingOptions, 'app' | 'instanceKey' | 'authorities' | 'namespace' | 'consumes' | 'delivers'>;

export interface EnsureTopicsRetry {
  attempts: number;
  firstBackoffMs: number;
  maxBackoffMs: number;
}

// About 30 s in all: long enough for a new namespace's partitions to get leaders while its services start at once.
const DEFAULT_RETRY: EnsureTopicsRetry = { attempts: 10, firstBackoffMs: 250, maxBackoffMs: 5_000 };

/** Broker answers that mean "not yet" while topics are being created, e.g. by another service starting next to this one. */
const RETRIABLE_TYPES = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'NOT_CONTROLLER', 'REQUEST_TIMED_OUT', 'BROKER_NOT_AVAILABLE', 'REPLICA_NOT_AVAILABLE', 'COORDINATOR_LOAD_IN_PROGRESS']);
const RETRIABLE_NAMES = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSTimeout', 'KafkaJSBrokerNotFound', 'KafkaJSNoBrokerAvailableError', 'KafkaJSMetadataNotLoaded']);

const logger = new Logger('ensureTopics');

/**
 * Creates the instance's outgoing topic, the topics it consumes (its delivery topic) or delivers to (the router: delivery and state topics), the compacted relay
 * progress topic and this instance's dead-letter, retry and re-drive outcome topics unless they exist (auto-creation is off on regsync brokers),
 * with the catalog's settings for the cluster's size (topicSettingsOf), and verifies that each of them, created now or
 * long ago, keeps what the catalog says: a topic under which records would be lost refuses the start
 * (StartupRefusedError naming topic and setting). When several services create a new namespace's topics at once, the
 * broker answers "not yet" for a moment; that is retried with backoff, anything else fails the start-up.
 */
export async function ensureTopics(kafka: Kafka, options: EnsureTopicsOptions, retry: EnsureTopicsRetry = DEFAULT_RETRY, abandoned?: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMissingTopics(kafka, options);
    } catch (error) {
      if (attempt >= retry.attempts || !isRetriable(error) || abandoned?.aborted) throw error;
      const backoff = Math.min(retry.firstBackoffMs * 2 ** (attempt - 1), retry.maxBackoffMs);
      logger.warn(`topics of ${options.namespace || 'the default namespace'} not ready (attempt ${attempt}), retrying in ${backoff} ms: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}

async function createMissingTopics(kafka: Kafka, options: EnsureTopicsOptions): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const group = consumerGroupOf(options.app, options.instanceKey, options.namespace);
    const dataTopics = [outgoingTopicOf(options.app, options.instanceKey, options.namespace), ...sourceTopics(options), ...(options.delivers ?? [])];
    const kinds = new Map<string, TopicKind>([
      ...dataTopics.map((topic) => [topic, topicKindOf(topic, options.namespace)] as const),
      // A state topic's records are deliveries sealed with the keys of the delivery topic's key topic.
      ...dataTopics.filter((topic) => !stateTopicReader(topic, options.namespace)).map((topic) => [subjectKeyTopicOf(topic), 'subject-keys'] as const),
      [outboxProgressTopicOf(options.app, options.instanceKey, options.namespace), 'outbox-progress'],
      [deadLetterTopicOf(group), 'dead-letter'],
      [redriveTopicOf(group), 'retry'],
      [redriveOutcomeTopicOf(group), 'redrive-outcome'],
    ]);
    const wanted: ITopicConfig[] = [...kinds].map(([topic, kind]) => {
      const { partitions, replicationFactor, config } = topicSettingsOf(kind, brokers.length);
      return { topic, numPartitions: partitions, replicationFactor, configEntries: Object.entries(config).map(([name, value]) => ({ name, value })) };
    });
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic.topic));
    try {
      if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    } catch (error) {
      // Several instances start at once; the topics another one just created are fine once they have leaders.
      const failures = (error as { errors?: { type?: string }[]; type?: string }).errors ?? [error as { type?: string }];
      if (!failures.every((failure) => failure.type === 'TOPIC_ALREADY_EXISTS')) throw error;
    }
    // Metadata of a topic another instance is still creating fails (retriable) until every partition has a leader.
    const { topics } = await admin.fetchTopicMetadata({ topics: wanted.map((topic) => topic.topic) });
    const leaderless = topics.filter((topic) => topic.partitions.some((partition) => partition.leader < 0)).map((topic) => topic.name);
    if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.join(', ')}`), { type: 'LEADER_NOT_AVAILABLE' });
    const replicas = new Map(topics.map((topic) => [topic.name, Math.min(...topic.partitions.map((partition) => partition.replicas.length))]));
    const configs = await configsOf(admin, [...kinds.keys()]);
    const existingOf = (topic: string) => ({ replicationFactor: replicas.get(topic) ?? 0, config: configs.get(topic) ?? {} });
    const problems = [...kinds].flatMap(([topic, kind]) => topicSettingProblems(topic, topicSettingsOf(kind, brokers.length), existingOf(topic)));
    if (problems.length > 0) throw new StartupRefusedError(`refusing to start on topics that would lose records: ${problems.join('; ')}. Change the topics (kafka-configs.sh --alter, or deploy/kafka/topics.yaml) or delete them if they hold nothing yet.`);
    const lingering = [...kinds].flatMap(([topic, kind]) => erasureBoundProblems(topic, topicSettingsOf(kind, brokers.length), existingOf(topic)));
    if (lingering.length > 0) logger.warn(`topics that keep erased keys longer than the catalog says: ${lingering.join('; ')}. Change them (kafka-configs.sh --alter, or deploy/kafka/topics.yaml).`);
  } finally {
    await admin.disconnect();
  }
}

/** What a topic the instance reads or delivers to is (the router delivers to delivery and state topics). */
function topicKindOf(topic: string, namespace: string): TopicKind {
  if (outgoingTopicOwner(topic, namespace)) return 'outgoing';
  return stateTopicReader(topic, namespace) ? 'state' : 'delivery';
}

/** The effective configs of `topics` (broker defaults included), in one request. */
async function configsOf(admin: Admin, topics: string[]): Promise<Map<string, Record<string, string>>> {
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })) });
  return new Map(resources.map((resource) => [resource.resourceName, Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue]))]));
}

/** kafkajs wraps the broker's answer (`cause`, `errors` of an aggregate); any retriable one in there makes it worth another try. */
export function isRetriable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { type, name, cause, errors } = error as { type?: string; name?: string; cause?: unknown; errors?: unknown[] };
  if ((type && RETRIABLE_TYPES.has(type)) || (name && RETRIABLE_NAMES.has(name))) return true;
  return isRetriable(cause, depth + 1) || (Array.isArray(errors) && errors.some((inner) => isRetriable(inner, depth + 1)));
}

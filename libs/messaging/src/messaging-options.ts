import { RegsyncMetrics } from '@regsync/observability/telemetry';
import type { KafkaConnection } from '@regsync/service-runtime/service-config';
import { AdministrativeLevel, RegsyncEvent } from '@regsync/contracts/generated/events';
import { consumerGroupOf, deliveryTopicOf, deliveryTopicReader, redriveTopicOf } from '@regsync/contracts/topics';

/** What `admit` decides for one decoded event, before the inbox sees it. */
export type Admission =
  | { kind: 'ignore' }
  | { kind: 'reject'; code: string; reason: string }
  | { kind: 'apply'; event: RegsyncEvent; context?: unknown };

/**
 * Where a record came from: its topic proves who wrote it (for a re-driven record, the topic it was first read from,
 * see retry-topic.ts); on a delivery topic, the register the router addressed.
 */
export interface ReceivedRecord {
  topic: string;
  /** The `regsync-recipient-register` header. */
  recipientRegister?: string;
}

export interface MessagingOptions {
  app: 'municipal-register' | 'state-register' | 'federal-register' | string;
  /** Absent for the router, which sends no events of its own (only deliveries of others'). */
  level?: AdministrativeLevel;
  /**
   * The process's own key, its provider id: its outgoing and delivery topic, consumer group, relay and dead letters.
   * For a process of one authority its AGS, Land code or 'DE'; for a provider hosting several, the provider's key.
   */
  instanceKey: string;
  /** The authorities this process hosts (default: `instanceKey` alone): their deliveries come on its delivery topic. */
  authorities?: readonly string[];
  /** '' in production; prefixes topics and the consumer group. */
  namespace: string;
  /** Brokers and this instance's own principal. */
  kafka: KafkaConnection;
  schemaRegistryUrl: string;
  metrics: RegsyncMetrics;
  /** Decides per decoded event whether this instance applies it. Runs before the inbox. */
  admit: (event: RegsyncEvent, record: ReceivedRecord) => Admission;
  /** The topics this instance reads events from (namespaced); default: its own delivery topic. Its retry topic comes on top. */
  consumes?: readonly string[];
  /** The delivery topics this instance writes besides its outgoing topic (the router). */
  delivers?: readonly string[];
  /**
   * Whether a subject version that skips versions of its source is a gap: true where every version of a source
   * passes (the router); default false: a recipient's delivery stream holds only the events routed to it, and a gap
   * there is what the router's stamp says (`regsync-previous-delivered-version`). Either way the event is held.
   */
  detectGaps?: boolean;
  /**
   * The secret the authorities' key-wrapping keys are derived from (at least 32 bytes): with it the service seals each
   * event it sends with the data key of its subject (subject-keys.ts); without it, it sends events in the clear.
   */
  subjectKeySecret?: Buffer;
  /** Default true; false = produce only (e.g. tools). */
  consume?: boolean;
  /** agency → API key allowed to list and release held subjects (/ops/held-subjects); none = the endpoint is not served. */
  opsApiKeys?: Record<string, string>;
}

type ConsumerOptions = Pick<MessagingOptions, 'app' | 'instanceKey' | 'authorities' | 'namespace' | 'consumes'>;

/** The topics the instance reads events from: `consumes`, or the delivery topic of its provider process. */
export function sourceTopics(options: ConsumerOptions): readonly string[] {
  return options.consumes ?? [deliveryTopicOf(options.app, options.instanceKey, options.namespace)];
}

/** Everything the instance's consumer reads: its source topics and its group's retry topic (re-driven dead letters). */
export function consumedTopics(options: ConsumerOptions): readonly string[] {
  return [...sourceTopics(options), retryTopicOf(options)];
}

/** The retry topic of the instance's consumer group (`<group>.redrive`), where operators re-drive its dead letters. */
export function retryTopicOf(options: Pick<MessagingOptions, 'app' | 'instanceKey' | 'namespace'>): string {
  return redriveTopicOf(consumerGroupOf(options.app, options.instanceKey, options.namespace));
}

export function hostedAuthorities(options: Pick<MessagingOptions, 'instanceKey' | 'authorities'>): readonly string[] {
  return options.authorities ?? [options.instanceKey];
}

/**
 * The authority a record is addressed to. On the process's own delivery topic: the `regsync-recipient-authority`
 * header (a record from before that header: the provider whose topic it is, a process of that one authority). Any
 * other topic the process consumes (the router's outgoing topics, a test's) is the process's own.
 */
export function addresseeOf(options: Pick<MessagingOptions, 'app' | 'instanceKey' | 'namespace'>, topic: string, recipientAuthority: string | undefined): string {
  const reader = deliveryTopicReader(topic, options.namespace);
  if (reader?.app !== options.app || reader.instanceKey !== options.instanceKey) return options.instanceKey;
  return recipientAuthority ?? reader.instanceKey;
}

/**
 * The authority a record is run as: its addressee if the process hosts it; else the first hosted one, under which
 * the record is only dead-lettered ('not-addressed', BatchApplier).
 */
export function authorityToRunAs(options: Pick<MessagingOptions, 'app' | 'instanceKey' | 'authorities' | 'namespace'>, topic: string, recipientAuthority: string | undefined): string {
  const addressee = addresseeOf(options, topic, recipientAuthority);
  const hosted = hostedAuthorities(options);
  return hosted.includes(addressee) ? addressee : hosted[0];
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** The kafkajs client of this service instance. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

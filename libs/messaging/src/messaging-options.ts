import { RegsyncMetrics } from '@regsync/observability/regsync-metrics';
import type { KafkaConnection } from '@regsync/service-runtime/service-config';
import { AdministrativeLevel, RegsyncEvent } from '@regsync/contracts/generated/events';

/** What `admit` decides for one decoded event, before the inbox sees it. */
export type Admission =
  | { kind: 'ignore' }
  | { kind: 'reject'; code: string; reason: string }
  | { kind: 'apply'; event: RegsyncEvent; context?: unknown };

export interface MessagingOptions {
  app: 'municipal-register' | 'state-register' | 'federal-register' | string;
  level: AdministrativeLevel;
  /** AGS, Land code or 'DE'. */
  instanceKey: string;
  /** '' in production; prefixes topics and the consumer group. */
  namespace: string;
  /** Brokers and this instance's own principal. */
  kafka: KafkaConnection;
  schemaRegistryUrl: string;
  metrics: RegsyncMetrics;
  /** Decides per decoded event whether this instance applies it. Runs before the inbox. */
  admit: (event: RegsyncEvent) => Admission;
  /** Default true; false = produce only (e.g. tools). */
  consume?: boolean;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** The kafkajs client of this service instance. */
export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');

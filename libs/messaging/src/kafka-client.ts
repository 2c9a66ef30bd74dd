import { Kafka, KafkaConfig, SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '@regsync/service-runtime/service-config';

/**
 * The one way regsync configures a kafkajs client: brokers and SASL credentials from the typed config, the rest (client
 * id, logging, retries) per client. tools/infra/infra.mjs loads this file too, so scripts connect the same way.
 */
export function kafkaClientConfig(connection: KafkaConnection, options: Omit<KafkaConfig, 'brokers' | 'sasl'>): KafkaConfig {
  return { ...options, brokers: connection.brokers, ...(connection.sasl ? { sasl: connection.sasl as SASLOptions } : {}) };
}

export function kafkaClient(connection: KafkaConnection, options: Omit<KafkaConfig, 'brokers' | 'sasl'>): Kafka {
  return new Kafka(kafkaClientConfig(connection, options));
}

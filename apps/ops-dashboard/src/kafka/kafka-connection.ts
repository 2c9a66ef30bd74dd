import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka, logLevel, Producer } from 'kafkajs';
import { namespaced } from '@regsync/contracts/topics';
import { kafkaClient } from '@regsync/messaging/broker';
import type { KafkaConnection as BrokerConnection } from '@regsync/service-runtime/service-config';

/** The dashboard's Kafka clients: one admin for offsets and topics, one idempotent producer for re-drives. */
@Injectable()
export class KafkaConnection implements OnApplicationShutdown {
  readonly kafka: Kafka;
  private admin?: Promise<Admin>;
  private producer?: Promise<Producer>;

  constructor(
    broker: BrokerConnection,
    readonly namespace: string,
  ) {
    this.kafka = kafkaClient(broker, { clientId: 'regsync-ops-dashboard', logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  }

  /** `regsync.` in production, `<namespace>.regsync.` in a test run: what every topic and group of ours starts with. */
  get prefix(): string {
    return namespaced('regsync.', this.namespace);
  }

  adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(() => admin);
      // a broker that was down at the first call must be retried at the next one
      this.admin.catch(() => (this.admin = undefined));
    }
    return this.admin;
  }

  producerClient(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      this.producer = producer.connect().then(() => producer);
      this.producer.catch(() => (this.producer = undefined));
    }
    return this.producer;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.admin?.then((admin) => admin.disconnect()), this.producer?.then((producer) => producer.disconnect())].map((closing) => closing?.catch(() => undefined)));
  }
}

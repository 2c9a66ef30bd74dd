import { KafkaConnection } from '@regsync/service-runtime/service-config';

/** The parts of tools/infra/infra.mjs a fault scenario uses; tools/faults.mjs hands the module in. */
export interface BrokerSlot {
  nodeId: number;
  port: number;
}

export interface ClusterLayout {
  brokerCount: number;
  brokers: BrokerSlot[];
  bootstrap: string;
}

export interface ClusterControl {
  kafkaUp(brokerCount: number): Promise<{ bootstrap: string; started: boolean }>;
  kafkaDown(brokerCount: number): Promise<void>;
  clusterLayout(brokerCount: number): ClusterLayout;
  startBroker(layout: ClusterLayout, broker: BrokerSlot): void;
  stopBroker(broker: BrokerSlot, signal?: NodeJS.Signals): Promise<void>;
  waitForKafka(bootstrap: string, expectedBrokers: number, timeoutMs?: number): Promise<unknown>;
  adminConnection(bootstrap: string): KafkaConnection;
}

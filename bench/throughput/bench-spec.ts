import { KafkaConnection } from '@regsync/service-runtime/service-config';

/** What one child process of a measured run does; passed as JSON in argv[2]. */
export interface BenchSpec {
  pipeline: 'raw' | 'raw-transactional' | 'naive' | 'regsync';
  role: 'producer' | 'consumer';
  /** throughput: send `count` as fast as possible; latency: send `count` at `rate` events/s. */
  mode: 'throughput' | 'latency';
  count: number;
  rate: number;
  namespace: string;
  topic: string;
  /** The broker and the run's principal (the local admin). */
  kafka: KafkaConnection;
  /** The PostgreSQL server; each role creates its own database in the run's namespace. */
  databaseUrl: string;
  schemaRegistryUrl: string;
  /** Events per outbox transaction (regsync producer). */
  transactionSize: number;
}

/** What a child reports back over IPC when it is done. */
export interface RoleReport {
  role: BenchSpec['role'];
  events: number;
  firstAt: number;
  lastAt: number;
  latencyMs?: { p50: number; p95: number; p99: number; max: number };
  maxRssMb: number;
  cpuSeconds: number;
}

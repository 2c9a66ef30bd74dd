import { KafkaConnection } from '@regsync/service-runtime/service-config';

/** What a fault-run child process is; passed as JSON in argv[2]. */
export interface FaultChildSpec {
  role: 'writer' | 'register';
  namespace: string;
  /** The broker and this service's own principal. */
  kafka: KafkaConnection;
  databaseUrl: string;
  schemaRegistryUrl: string;
  /** Valid moves the writer appends in total (it resumes where a killed predecessor stopped). */
  count: number;
  /** Moves per outbox transaction. */
  transactionSize: number;
  /** Moves per second the writer appends, so faults land while traffic flows. */
  rate: number;
}

import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { logLevel, type Admin } from 'kafkajs';
import { OUTGOING_TOPIC_PARTITIONS } from '@regsync/contracts/topics';
import { kafkaClient, createTopicsWithLeaders } from '@regsync/messaging/broker';
import { dropNamespaceDatabases } from '@regsync/persistence/databases';
import { waitUntil } from '@regsync/local-stack/wait-until';
import type { KafkaConnection } from '@regsync/service-runtime/service-config';
import { consumerGroupsReady } from '../consumer-groups-ready';
import type { AppliedRows } from '../product-path/applied-watch';
import type { SubmitAction } from '../product-path/product-path-run';
import { baselineConsumerGroupOf, baselineDatabaseOf, baselineServices, baselineTopicOf, type BaselineProcessSpec, type BaselineService } from './baseline-topology';

/** The baseline's recipients keep the row itself; applied_count > 1 is an effect applied twice. */
export const BASELINE_RESIDENT_ROWS: AppliedRows = {
  applied: `select correlation_id, count(*)::int as transfers, max(applied_at) as last
            from baseline_resident where correlation_id like $1 group by correlation_id`,
  duplicates: 'select coalesce(sum(applied_count - 1), 0)::int as duplicates from baseline_resident where correlation_id like $1',
};

/**
 * The fair baseline on the bench's broker and PostgreSQL, in a namespace of its own: the topic (replicated like
 * regsync's on this cluster), four municipal agency APIs and three recipients, each a process of its own.
 */
export class BaselineStack {
  readonly services: BaselineService[];
  private readonly children: ChildProcess[] = [];
  private readonly admin: Admin;
  private readonly topic: string;
  private failed?: Error;

  constructor(
    private readonly options: { kafka: KafkaConnection; databaseUrl: string; namespace: string; portBase: number; replicationFactor: number },
  ) {
    this.services = baselineServices(options.portBase);
    this.topic = baselineTopicOf(options.namespace);
    this.admin = kafkaClient(options.kafka, { clientId: `${options.namespace}-baseline-admin`, logLevel: logLevel.ERROR }).admin();
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await createTopicsWithLeaders(this.admin, [{ topic: this.topic, numPartitions: OUTGOING_TOPIC_PARTITIONS, replicationFactor: this.options.replicationFactor }]);
    for (const service of this.services) this.spawn(service);
    const groups = this.recipients().map((service) => baselineConsumerGroupOf(service, this.options.namespace));
    await consumerGroupsReady(this.admin, async () => groups, () => this.failed);
    for (const service of this.services.filter((candidate) => candidate.port)) {
      await waitUntil(`baseline ${service.instanceKey} healthy`, async () => {
        if (this.failed) throw this.failed;
        return (await fetch(`http://127.0.0.1:${service.port}/health`)).ok || undefined;
      }, 120_000, 250);
    }
  }

  /** Each action to its municipality's agency API with that agency's key, as regsync's agency clients send it. */
  submitter(): SubmitAction {
    return async (action) => {
      const service = this.services.find((candidate) => candidate.instanceKey === action.municipalityKey)!;
      const response = await fetch(`http://127.0.0.1:${service.port}/residences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': service.apiKey!, 'x-correlation-id': action.correlationId },
        body: JSON.stringify(action.body),
      });
      await response.arrayBuffer();
      return response.status;
    };
  }

  recipientDatabases(): string[] {
    return this.recipients().map((service) => baselineDatabaseOf(service, this.options.namespace));
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((child) => stopped(child)));
    await this.admin.deleteTopics({ topics: [this.topic] }).catch(() => undefined);
    const groups = this.recipients().map((service) => baselineConsumerGroupOf(service, this.options.namespace));
    await this.admin.deleteGroups(groups).catch(() => undefined);
    await this.admin.disconnect();
    await dropNamespaceDatabases(this.options.databaseUrl, this.options.namespace);
  }

  private recipients(): BaselineService[] {
    return this.services.filter((service) => service.role !== 'municipality');
  }

  private spawn(service: BaselineService): void {
    const spec: BaselineProcessSpec = { ...service, namespace: this.options.namespace, topic: this.topic, kafka: this.options.kafka, databaseUrl: this.options.databaseUrl };
    const child = fork(join(__dirname, 'baseline-service.main.js'), [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('exit', (code, signal) => (this.failed ??= new Error(`baseline ${service.role} ${service.instanceKey} exited (${signal ?? code})`)));
    this.children.push(child);
  }
}

/** SIGTERM, and SIGKILL for a process that has not exited after 15 s. */
async function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

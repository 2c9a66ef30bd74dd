import { ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Admin, logLevel } from 'kafkajs';
import { OUTGOING_TOPIC_PARTITIONS } from '@regsync/contracts/topics';
import { benchTopicOf } from './bench-topic';
import { dropDatabase } from '@regsync/persistence/databases';
import { benchDatabaseName } from './bench-database-name';
import { BenchSpec, RoleReport } from './bench-spec';
import { kafkaClient, createTopicsWithLeaders } from '@regsync/messaging/broker';
import { consumerGroupsReady } from '../consumer-groups-ready';

export interface RunResult {
  pipeline: BenchSpec['pipeline'];
  mode: BenchSpec['mode'];
  count: number;
  /** First send to last apply. */
  seconds: number;
  eventsPerSecond: number;
  producer: RoleReport;
  consumer: RoleReport;
  loadAverage: number;
}

export type RunOptions = Omit<BenchSpec, 'role' | 'namespace' | 'topic'>;

/**
 * One measured run on fresh topics and databases (a random namespace): start the consumer, wait until its group owns
 * every partition, start the producer, and take both reports. Everything the run created is removed afterwards.
 */
export async function benchRun(options: RunOptions): Promise<RunResult> {
  const namespace = `bench_${randomBytes(3).toString('hex')}`;
  const topic = benchTopicOf(namespace);
  const base: Omit<BenchSpec, 'role'> = { ...options, namespace, topic };
  const kafka = kafkaClient(options.kafka, { clientId: `${namespace}-bench`, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const loadAverage = loadavg()[0];
  const children: ChildProcess[] = [];
  try {
    await createTopicsWithLeaders(admin, [{ topic, numPartitions: OUTGOING_TOPIC_PARTITIONS }]);
    const consumer = spawnRole({ ...base, role: 'consumer' }, children);
    await groupReady(admin, namespace, consumer.exited);
    const producer = spawnRole({ ...base, role: 'producer' }, children);
    const [sent, applied] = await Promise.all([producer.report, consumer.report]);
    const seconds = (applied.lastAt - sent.firstAt) / 1000;
    return { pipeline: options.pipeline, mode: options.mode, count: options.count, seconds, eventsPerSecond: applied.events / seconds, producer: sent, consumer: applied, loadAverage };
  } finally {
    await Promise.all(children.map((child) => exitWithin(child, 15_000)));
    await cleanUp(admin, namespace, options);
    await admin.disconnect();
  }
}

function spawnRole(spec: BenchSpec, children: ChildProcess[]) {
  const child = fork(join(__dirname, 'bench-child.main.js'), [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(child);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`bench ${spec.pipeline} ${spec.role} exited (${signal ?? code}) before reporting`))),
  );
  exited.catch(() => undefined);
  const report = Promise.race([new Promise<RoleReport>((resolve) => child.once('message', (message) => resolve(message as RoleReport))), exited]);
  return { child, report, exited };
}

/** A child exits by itself after reporting (closing its clients); one that does not is killed. */
async function exitWithin(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/** The run's one consumer group, whatever the pipeline names it. */
async function groupReady(admin: Admin, namespace: string, exited: Promise<never>): Promise<void> {
  let failed: Error | undefined;
  exited.catch((error: Error) => (failed = error));
  const ids = async () => (await admin.listGroups()).groups.map((group) => group.groupId).filter((id) => id.startsWith(`${namespace}.`));
  await consumerGroupsReady(admin, ids, () => failed);
}

async function cleanUp(admin: Admin, namespace: string, options: RunOptions): Promise<void> {
  const topics = (await admin.listTopics()).filter((name) => name.startsWith(`${namespace}.`));
  if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
  const { groups } = await admin.listGroups();
  const ids = groups.map((group) => group.groupId).filter((id) => id.startsWith(`${namespace}.`));
  if (ids.length) await admin.deleteGroups(ids).catch(() => undefined);
  for (const role of ['producer', 'consumer'] as const) await dropDatabase(options.databaseUrl, benchDatabaseName({ namespace, pipeline: options.pipeline }, role));
}

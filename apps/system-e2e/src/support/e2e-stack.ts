import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { WriteStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, KafkaMessage, Producer, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { EventCodec, SubjectKeySource } from '@regsync/contracts/event-encoding';
import type { RegsyncEvent } from '@regsync/contracts/generated/events';
import type { SubjectKey } from '@regsync/contracts/event-encoding';
import { KAFKA_HEADERS, APP_OF_LEVEL, deliveryTopicOf, outgoingTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import { authorityRoleOf, quotedIdentifier } from '@regsync/persistence/authority-scope';
import { databaseUrl, instanceDatabaseName, dropNamespaceDatabases } from '@regsync/persistence/databases';
import { kafkaClient } from '@regsync/messaging/broker';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { LocalStack, LocalStackOptions, localBrokerCredentials, workspaceRoot } from '@regsync/local-stack/local-stack';

const LEVEL_OF = { municipal: 'MUNICIPAL', state: 'STATE', federal: 'FEDERAL' } as const;

/** The broker as the tests' admin (npm test and Jest's global setup export the local admin's credentials). */
export const KAFKA_CONNECTION = loadKafkaConnection();
export const KAFKA_BROKERS = KAFKA_CONNECTION.brokers.join(',');
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Where each stack writes its services' lines, so a test that failed or stalled can be read afterwards. */
export const E2E_LOG_DIR = join(workspaceRoot(), 'tmp', 'e2e-logs');
const KEPT_LOG_FILES = 40;
const START_FAILURE_LINES = 60;

/**
 * One end-to-end test's own system: every service a process (from the dist/ `npm test` built, or a private build when
 * the test runs alone), in a namespace of its own (databases, topics, consumer groups) and on ports of its own.
 */
export class E2eStack {
  readonly kafka: Kafka;

  private constructor(
    readonly namespace: string,
    readonly stack: LocalStack,
    private readonly distDir: string,
    private readonly log: WriteStream,
  ) {
    this.kafka = kafkaClient(KAFKA_CONNECTION, { clientId: `regsync-${namespace}-test`, logLevel: logLevel.NOTHING });
  }

  /**
   * Starts the stack; a service that does not come up fails the start with the stack's own lines. Every line of every
   * service goes to `tmp/e2e-logs/<namespace>.log` (the newest files are kept) for a test that fails later.
   */
  static async start(namespace: string, options: Pick<LocalStackOptions, 'portOffset' | 'instances' | 'topology'>): Promise<E2eStack> {
    const distDir = process.env.REGSYNC_BUILT === '1' ? 'dist' : join('tmp', `dist-${namespace}`);
    if (distDir !== 'dist') execFileSync(process.execPath, ['tools/build.mjs', '--out-dir', distDir], { cwd: workspaceRoot(), stdio: 'pipe' });
    const logFile = join(E2E_LOG_DIR, `${namespace}.log`);
    const log = openServiceLog(logFile);
    const lastLines: string[] = [];
    const onLine = (name: string, line: string) => {
      log.write(`[${name}] ${line}\n`);
      if (line.includes('"level":"log"')) return;
      lastLines.push(`[${name}] ${line}`);
      if (lastLines.length > START_FAILURE_LINES) lastLines.shift();
    };
    const stack = new LocalStack({ kafkaBrokers: KAFKA_BROKERS, brokerCredentials: localBrokerCredentials(KAFKA_CONNECTION), databaseUrl: DATABASE_URL, namespace, distDir, ...options, onLine });
    try {
      await stack.start();
    } catch (error) {
      // Else the processes that did come up outlive the test run.
      await stack.stop().catch(() => undefined);
      log.end();
      // The services' own words are the quickest way to see why one did not come up.
      throw new Error(`${(error as Error).message}\n${lastLines.join('\n')}\n(every line: ${logFile})`);
    }
    return new E2eStack(namespace, stack, distDir, log);
  }

  /**
   * The rows of one query in the database of one instance of this stack; for an instance a provider hosts, in the
   * provider's database as that instance's role, so row-level security shows its rows only.
   */
  async query(level: 'municipal' | 'state' | 'federal', instanceKey: string, sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> {
    const provider = this.stack.providerOf(APP_OF_LEVEL[LEVEL_OF[level]], instanceKey);
    const databaseName = instanceDatabaseName(level, provider?.id ?? instanceKey, this.namespace);
    const client = new Client({ connectionString: databaseUrl(DATABASE_URL, databaseName) });
    await client.connect();
    try {
      if (!provider) return (await client.query(sql, parameters)).rows as Record<string, unknown>[];
      await client.query('begin');
      await client.query(`set local role ${quotedIdentifier(authorityRoleOf(databaseName, instanceKey))}`);
      const { rows } = await client.query(sql, parameters);
      await client.query('commit');
      return rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }

  /** Every record the router delivered to one instance: on its provider's delivery topic, those addressed to it. */
  async deliveriesTo(app: (typeof APP_OF_LEVEL)[keyof typeof APP_OF_LEVEL], instanceKey: string): Promise<KafkaMessage[]> {
    const providerId = this.stack.processKeyOf(app, instanceKey);
    const records = await this.readWholeTopic(deliveryTopicOf(app, providerId, this.namespace));
    return records.filter((record) => (record.headers?.[KAFKA_HEADERS.recipientAuthority]?.toString() ?? providerId) === instanceKey);
  }

  /**
   * Puts an event a test made (a forged or a late one) on an instance's outgoing topic as its relay would: keyed by
   * subject, with the regsync headers. The topic is the one of `envelope.source` unless `writer` names another; sealed
   * with `subjectKey` when given.
   */
  async send(producer: Producer, codec: EventCodec, event: RegsyncEvent, writer: { level: keyof typeof APP_OF_LEVEL; instanceKey: string } = event.envelope.source, subjectKey?: SubjectKey): Promise<void> {
    const { eventType, eventId, correlationId, subject } = event.envelope;
    const app = APP_OF_LEVEL[writer.level];
    await producer.send({
      topic: outgoingTopicOf(app, this.stack.processKeyOf(app, writer.instanceKey), this.namespace),
      messages: [{ key: subject.id, value: subjectKey ? codec.encodeSealed(event, subjectKey) : codec.encode(event), headers: { 'regsync-event-type': eventType, 'regsync-event-id': eventId, 'regsync-correlation-id': correlationId } }],
    });
  }

  /**
   * The subject keys the readers of `dataTopic` hold (its key topic read whole, a tombstone removing a key), to open its
   * sealed records as its reader would.
   */
  async subjectKeysOf(dataTopic: string): Promise<SubjectKeySource> {
    const keys = new Map<string, Buffer>();
    for (const record of await this.readWholeTopic(subjectKeyTopicOf(dataTopic))) {
      const keyId = record.key!.toString();
      if (record.value && record.value.length > 0) keys.set(keyId, record.value);
      else keys.delete(keyId);
    }
    return async (keyId) => keys.get(keyId);
  }

  /** Every record of a topic up to its end now (committed transactions only), read as its one reader would. */
  async readWholeTopic(topic: string): Promise<KafkaMessage[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((partition) => [partition.partition, BigInt(partition.high)]));
    await admin.disconnect();
    const records: KafkaMessage[] = [];
    const remaining = new Set([...ends].filter(([, end]) => end > 0n).map(([partition]) => partition));
    if (remaining.size === 0) return records;
    const consumer = this.kafka.consumer({ groupId: `${topic}.test-read.${randomUUID()}`, readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          records.push(...batch.messages);
          // The end may be a transaction marker, which no batch passes on: the batch's last offset counts it.
          if (BigInt(batch.lastOffset()) + 1n >= ends.get(batch.partition)!) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();
    return records;
  }

  /** Every topic of this stack's namespace. */
  async topicsOfNamespace(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listTopics()).filter((topic) => topic.startsWith(`${this.namespace}.`));
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops every service, then deletes the namespace's topics and databases (and the private build). */
  async stop(): Promise<void> {
    await this.stack.stop();
    await new Promise<void>((resolve) => this.log.end(resolve));
    const admin = this.kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${this.namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
    await dropNamespaceDatabases(DATABASE_URL, this.namespace);
    if (this.distDir !== 'dist') rmSync(join(workspaceRoot(), this.distDir), { recursive: true, force: true });
  }
}

/** Opens a stack's log file and removes all but the newest log files of earlier stacks. */
function openServiceLog(file: string): WriteStream {
  mkdirSync(E2E_LOG_DIR, { recursive: true });
  // Another Jest worker may remove a file between the listing and its stat.
  const modified = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const older = readdirSync(E2E_LOG_DIR)
    .map((name) => join(E2E_LOG_DIR, name))
    .sort((a, b) => modified(b) - modified(a))
    .slice(KEPT_LOG_FILES - 1);
  for (const stale of older) rmSync(stale, { force: true });
  return createWriteStream(file, { flags: 'a' });
}

import { randomInt } from 'node:crypto';
import { Producer, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { outboxProgressTopicOf, outgoingTopicOf, relayIdOf, KAFKA_HEADERS } from '@regsync/contracts/topics';
import { ensureTopics } from '../src/ensure-topics';
import { messagingMigrations } from '../src/messaging-schema';
import { Outbox } from '../src/outbox';
import { OutboxRelay } from '../src/outbox-relay';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { databaseUrl, ensureDatabase } from '@regsync/persistence/databases';
import { readTopic } from './support/read-topic';
import { TestEnvironment, startTestEnvironment, waitFor } from './support/test-environment';
import { personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY, asTestInstance, testAuthorityDatabase, testDatabaseName } from './support/test-register.module';
import { kafkaClient } from '../src/kafka-client';

const SUBJECTS = 40;
const EVENTS_PER_SUBJECT = 40;
const EVENTS_PER_TRANSACTION = 8;

describe('outbox relay', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  let codec: EventCodec;
  let outbox: Outbox;

  beforeAll(async () => {
    env = await startTestEnvironment();
    await ensureDatabase(env.databaseUrl, testDatabaseName(env.namespace));
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)), migrations: messagingMigrations, migrationsRun: true }).initialize();
    database = await testAuthorityDatabase(dataSource, testDatabaseName(env.namespace));
    codec = await EventCodec.connect(env.schemaRegistryUrl);
    outbox = new Outbox({ app: TEST_APP, level: 'MUNICIPAL', instanceKey: TEST_INSTANCE_KEY, namespace: env.namespace, kafka: env.connection, schemaRegistryUrl: env.schemaRegistryUrl, metrics: new RegsyncMetrics(), admit: () => ({ kind: 'ignore' }) }, codec);
    await ensureTopics(env.kafka, { app: TEST_APP, instanceKey: TEST_INSTANCE_KEY, namespace: env.namespace });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await env?.close();
  }, 60_000);

  it('publishes every event exactly once and in subject order although the relay process is killed repeatedly', asTestInstance(async () => {
    const appending = appendEvents();
    // Two incarnations die right after a Kafka commit (before marking the rows), two at a random moment.
    let relay = env.spawnFixture('relay-process', { RELAY_BATCH_SIZE: '40', KILL_AFTER_KAFKA_COMMIT: String(randomInt(2, 6)) });
    await relay.exited;
    relay = env.spawnFixture('relay-process', { RELAY_BATCH_SIZE: '40', KILL_AFTER_KAFKA_COMMIT: String(randomInt(2, 6)) });
    await relay.exited;
    for (let kills = 0; kills < 2; kills++) {
      relay = env.spawnFixture('relay-process', { RELAY_BATCH_SIZE: '40' });
      await new Promise((resolve) => setTimeout(resolve, randomInt(300, 1_200)));
      relay.child.kill('SIGKILL');
      await relay.exited;
    }
    relay = env.spawnFixture('relay-process', { RELAY_BATCH_SIZE: '40' });
    await appending;
    await waitFor('the outbox to be published', async () => (await unpublished()) === 0, 40_000).catch((error) => {
      throw new Error(`${(error as Error).message}\n${relay.output()}`);
    });
    relay.child.kill('SIGTERM');
    await relay.exited;

    const total = SUBJECTS * EVENTS_PER_SUBJECT;
    const records = await readTopic(env.kafka, outgoingTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace), total);
    const eventIds = records.map(({ message }) => message.headers?.[KAFKA_HEADERS.eventId]?.toString());
    expect(new Set(eventIds).size).toBe(total);
    expect(records.length).toBe(total);

    const stored = (await dataSource.query('select event_id, record_key, subject_version from regsync_outbox order by id')) as { event_id: string; record_key: string; subject_version: string }[];
    expect(new Set(eventIds)).toEqual(new Set(stored.map((row) => row.event_id)));
    const versionOf = new Map(stored.map((row) => [row.event_id, Number(row.subject_version)]));
    const versionsBySubject = new Map<string, number[]>();
    for (const { message } of records) {
      const subject = message.key!.toString();
      versionsBySubject.set(subject, [...(versionsBySubject.get(subject) ?? []), versionOf.get(message.headers![KAFKA_HEADERS.eventId]!.toString())!]);
    }
    for (const versions of versionsBySubject.values()) expect(versions).toEqual(Array.from({ length: EVENTS_PER_SUBJECT }, (_, i) => i + 1));
    // The relay writes each event's version into its bytes.
    for (const { message } of records) expect((await codec.decode(message.value!)).event.envelope.subjectVersion).toBe(versionOf.get(message.headers![KAFKA_HEADERS.eventId]!.toString()));
    // A relay killed, even between its Kafka commit and marking the rows, is no restore: the epoch stays.
    expect(await dataSource.query('select epoch::int as epoch from regsync_producer_state')).toEqual([{ epoch: 0 }]);
  }), 90_000);

  it('publishes one batch at a time although commits keep notifying it while a batch is out', asTestInstance(async () => {
    const kafka = kafkaClient(env.connection, { clientId: `relay-${env.namespace}`, logLevel: logLevel.NOTHING });
    const transactions = { open: 0, maxOpen: 0, committed: 0 };
    const createProducer = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const producer: Producer = createProducer(config);
      const begin = producer.transaction.bind(producer);
      producer.transaction = async () => {
        transactions.maxOpen = Math.max(transactions.maxOpen, ++transactions.open);
        const transaction = await begin();
        const [commit, abort] = [transaction.commit.bind(transaction), transaction.abort.bind(transaction)];
        transaction.commit = () => commit().finally(() => (transactions.open--, transactions.committed++));
        transaction.abort = () => abort().finally(() => transactions.open--);
        return transaction;
      };
      return producer;
    };
    const relay = new OutboxRelay(kafka, {
      relayId: relayIdOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace),
      progressTopic: outboxProgressTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace),
      database: { connectionString: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)) },
      metrics: new RegsyncMetrics(),
      batchSize: 10,
    });
    relay.start();
    try {
      // 4 writers committing 60 small transactions, each a NOTIFY, most of them while a batch is being published.
      await Promise.all(
        [0, 1, 2, 3].map(async (writer) => {
          for (let n = 0; n < 15; n++) {
            await database.transaction((manager) => outbox.appendMany(manager, [0, 1, 2].map((k) => personDraft(subjectId(1_000 + writer), n * 3 + k))));
          }
        }),
      );
      await waitFor('the outbox to be published', async () => (await unpublished()) === 0, 30_000);
    } finally {
      await relay.stop();
    }
    expect(transactions.maxOpen).toBe(1);
    expect(transactions.committed).toBeGreaterThanOrEqual(18);
  }), 60_000);

  it('keeps every Kafka transaction within the byte budget, and still sends a row larger than the budget', asTestInstance(async () => {
    const kafka = kafkaClient(env.connection, { clientId: `relay-${env.namespace}`, logLevel: logLevel.NOTHING });
    const batches: number[][] = [];
    const createProducer = kafka.producer.bind(kafka);
    kafka.producer = (config) => {
      const producer: Producer = createProducer(config);
      const begin = producer.transaction.bind(producer);
      producer.transaction = async () => {
        const transaction = await begin();
        const sendBatch = transaction.sendBatch.bind(transaction);
        transaction.sendBatch = (batch) => {
          const events = (batch.topicMessages ?? []).filter(({ topic }) => topic !== outboxProgressTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace));
          batches.push(events.flatMap(({ messages }) => messages.map((message) => (message.value as Buffer).length)));
          return sendBatch(batch);
        };
        return transaction;
      };
      return producer;
    };
    const drafts = Array.from({ length: 30 }, (_, n) => personDraft(subjectId(2_000 + (n % 5)), n));
    await database.transaction((manager) => outbox.appendMany(manager, drafts));
    const [{ bytes }] = (await dataSource.query('select max(octet_length(payload))::int as bytes from regsync_outbox where published_at is null')) as { bytes: number }[];
    const relay = new OutboxRelay(kafka, {
      relayId: relayIdOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace),
      progressTopic: outboxProgressTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace),
      database: { connectionString: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)) },
      metrics: new RegsyncMetrics(),
      batchBytes: bytes * 3,
    });
    relay.start();
    try {
      await waitFor('the outbox to be published', async () => (await unpublished()) === 0, 30_000);
    } finally {
      await relay.stop();
    }
    expect(batches.flat().length).toBe(30);
    for (const sizes of batches) expect(sizes.slice(0, -1).reduce((sum, size) => sum + size, 0)).toBeLessThan(bytes * 3);
    expect(Math.max(...batches.map((sizes) => sizes.length))).toBeLessThanOrEqual(4);

    // One row over the budget goes out alone rather than never.
    batches.length = 0;
    const tiny = new OutboxRelay(kafka, {
      relayId: relayIdOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace),
      progressTopic: outboxProgressTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace),
      database: { connectionString: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)) },
      metrics: new RegsyncMetrics(),
      batchBytes: 1,
    });
    await database.transaction((manager) => outbox.appendMany(manager, [personDraft(subjectId(2_010), 0), personDraft(subjectId(2_010), 1)]));
    tiny.start();
    try {
      await waitFor('the outbox to be published', async () => (await unpublished()) === 0, 30_000);
    } finally {
      await tiny.stop();
    }
    expect(batches.map((sizes) => sizes.length)).toEqual([1, 1]);
  }), 60_000);

  async function appendEvents(): Promise<void> {
    const next = Array.from({ length: SUBJECTS }, () => 0);
    const writer = async (worker: number) => {
      for (let round = 0; round < (SUBJECTS * EVENTS_PER_SUBJECT) / EVENTS_PER_TRANSACTION / 4; round++) {
        await database.transaction(async (manager) => {
          for (let i = 0; i < EVENTS_PER_TRANSACTION; i++) {
            // each worker owns a quarter of the subjects, so every subject gets exactly EVENTS_PER_SUBJECT events
            const subject = worker * (SUBJECTS / 4) + ((round * EVENTS_PER_TRANSACTION + i) % (SUBJECTS / 4));
            await outbox.append(manager, personDraft(subjectId(subject), next[subject]++));
          }
        });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await Promise.all([0, 1, 2, 3].map(writer));
  }

  async function unpublished(): Promise<number> {
    const [{ count }] = (await dataSource.query('select count(*)::int as count from regsync_outbox where published_at is null')) as { count: number }[];
    return count;
  }
});

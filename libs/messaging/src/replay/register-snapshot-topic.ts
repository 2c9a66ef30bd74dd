import { Kafka, KafkaMessage, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { AcknowledgedSender } from '../acknowledged-sender';
import { readBoundedLog } from './bounded-log-reader';
import { resolveLogRange } from './log-range';

/**
 * A compacted topic holding the latest state of one register instance, so a new consumer starts from it instead
 * of the whole history. One record per row: key `<table>/<primary key>`, value JSON `{ table, row }` with every
 * column in PostgreSQL's text form (null value = the row is gone: a tombstone, removed by compaction). The
 * messaging version tables travel along, so the new instance ignores older events and continues its own
 * numbering; the inbox, outbox and transfer log do not (they are history, not state). The last record, key
 * `__log-offsets__`, holds the consumer-group offsets from which the log continues after the snapshot.
 */
export interface SnapshotPublishResult {
  topic: string;
  rows: number;
  tombstones: number;
  offsets: SnapshotOffsets;
}

export interface SnapshotLoadResult {
  rows: number;
  offsets: SnapshotOffsets;
}

interface SnapshotRow {
  table: string;
  /** row_to_json of the row: PostgreSQL's own JSON form, which json_populate_record reads back exactly. */
  row: Record<string, unknown>;
}

/** topic → partition → next offset to read. */
export type SnapshotOffsets = Record<string, Record<string, string>>;

const OFFSETS_KEY = '__log-offsets__';
const STATE_TABLES = /^(?!regsync_inbox$|regsync_outbox$|migrations$|typeorm_|transfer_log)/;

export function snapshotTopicOf(app: string, instanceKey: string, namespace = ''): string {
  return [namespace, 'regsync', 'snapshot', app, instanceKey, 'v1'].filter(Boolean).join('.');
}

export async function publishSnapshot(kafka: Kafka, options: { topic: string; databaseUrl: string; consumerGroup: string }): Promise<SnapshotPublishResult> {
  const admin = kafka.admin();
  await admin.connect();
  let offsets: SnapshotOffsets;
  try {
    if (!(await admin.listTopics()).includes(options.topic)) {
      const { brokers } = await admin.describeCluster();
      await admin.createTopics({
        waitForLeaders: true,
        // one partition: the offsets record comes after the rows it belongs to
        topics: [{ topic: options.topic, numPartitions: 1, replicationFactor: Math.min(3, brokers.length), configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      });
    }
    // read before the database: the snapshot is at least as new as these offsets, and the version tables make
    // the events in between stale for the new instance
    offsets = Object.fromEntries(
      (await admin.fetchOffsets({ groupId: options.consumerGroup })).map(({ topic, partitions }) => [topic, Object.fromEntries(partitions.filter((p) => p.offset !== '-1').map((p) => [String(p.partition), p.offset]))]),
    );
  } finally {
    await admin.disconnect();
  }
  const previous = await readSnapshot(kafka, options.topic);
  const current = await readState(options.databaseUrl);
  const tombstones = [...previous.keys()].filter((key) => key !== OFFSETS_KEY && !current.has(key));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = [
      ...[...current].map(([key, value]) => ({ key, value: JSON.stringify(value) })),
      ...tombstones.map((key) => ({ key, value: null })),
      { key: OFFSETS_KEY, value: JSON.stringify(offsets) },
    ];
    const sender = new AcknowledgedSender(kafka);
    for (let from = 0; from < messages.length; from += 1_000) await sender.sendBatch(producer, [{ topic: options.topic, messages: messages.slice(from, from + 1_000) }]);
  } finally {
    await producer.disconnect();
  }
  return { topic: options.topic, rows: current.size, tombstones: tombstones.length, offsets };
}

/**
 * Fills an empty, migrated register database from the snapshot and returns the offsets the instance's consumer
 * group continues from. Refuses a database that already holds register rows.
 */
export async function loadSnapshot(kafka: Kafka, options: { topic: string; databaseUrl: string }): Promise<SnapshotLoadResult> {
  const latest = await readSnapshot(kafka, options.topic);
  const offsetsRecord = latest.get(OFFSETS_KEY);
  if (!offsetsRecord) throw new Error(`snapshot topic ${options.topic} holds no complete snapshot (no ${OFFSETS_KEY} record)`);
  const client = new Client({ connectionString: options.databaseUrl, application_name: 'regsync-replay-snapshot' });
  await client.connect();
  let rows = 0;
  try {
    await client.query('begin');
    const records = [...latest].filter(([key]) => key !== OFFSETS_KEY).map(([, value]) => value as SnapshotRow);
    // The producer's epoch row: a new database's migration wrote its own, the snapshot's replaces it (the epoch carries
    // over; the outbox numbers nothing until the relay has checked this database against Kafka).
    await client.query('delete from regsync_producer_state');
    for (const table of new Set(records.map((record) => record.table))) {
      if ((await client.query(`select 1 from "${table}" limit 1`)).rowCount) throw new Error(`table ${table} is not empty: load a snapshot only into a new register database`);
    }
    for (const { table, row } of records) {
      await client.query(`insert into "${table}" select * from json_populate_record(null::"${table}", $1::json)`, [JSON.stringify(row)]);
      rows++;
    }
    // serial columns continue after the loaded ids
    const { rows: sequences } = await client.query<{ table_name: string; column_name: string }>(
      "select table_name, column_name from information_schema.columns where table_schema = 'public' and column_default like 'nextval(%'",
    );
    for (const { table_name: table, column_name: column } of sequences) {
      await client.query(`select setval(pg_get_serial_sequence('"${table}"', '${column}'), greatest((select max("${column}") from "${table}"), 1))`);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  return { rows, offsets: offsetsRecord as SnapshotOffsets };
}

/** The latest value per key (tombstones remove the key), as compaction will eventually leave it. */
async function readSnapshot(kafka: Kafka, topic: string): Promise<Map<string, unknown>> {
  const admin = kafka.admin();
  await admin.connect();
  const ranges = (await admin.listTopics()).includes(topic) ? await resolveLogRange(admin, { topics: [topic] }) : [];
  await admin.disconnect();
  const latest = new Map<string, unknown>();
  await readBoundedLog(kafka, ranges, {
    groupPrefix: `${topic}.reader`,
    partitionsConcurrently: 1,
    onChunk: async ({ messages }) => messages.forEach((message: KafkaMessage) => apply(latest, message)),
  });
  return latest;
}

function apply(latest: Map<string, unknown>, message: KafkaMessage): void {
  const key = message.key?.toString();
  if (!key) return;
  if (message.value === null) latest.delete(key);
  else latest.set(key, JSON.parse(message.value.toString()));
}

async function readState(databaseUrl: string): Promise<Map<string, SnapshotRow>> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'regsync-replay-snapshot' });
  await client.connect();
  const state = new Map<string, SnapshotRow>();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows: tables } = await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name");
    for (const { table_name: table } of tables.filter((t) => STATE_TABLES.test(t.table_name))) {
      const { rows: keyRows } = await client.query<{ column_name: string }>(
        `select a.attname as column_name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
         where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey::int2[], a.attnum)`,
        [`public."${table}"`],
      );
      if (keyRows.length === 0) throw new Error(`table ${table} has no primary key: its rows cannot be keyed in a compacted topic`);
      const { rows } = await client.query<{ row: Record<string, unknown> }>(`select row_to_json(t) as row from "${table}" t`);
      for (const { row } of rows) state.set(`${table}/${keyRows.map((k) => String(row[k.column_name])).join('/')}`, { table, row });
    }
    await client.query('commit');
  } finally {
    await client.end();
  }
  return state;
}

import { randomBytes } from 'node:crypto';
import { Kafka, KafkaMessage, Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { AcknowledgedSender } from '@regsync/messaging/replay-support';
import { readBoundedLog } from './bounded-log-reader';
import { resolveLogRange } from './log-range';
import { SealedSnapshotRow, SnapshotRow, isSealedSnapshotRow, openSnapshotRow, sealSnapshotRow, snapshotKeyIdOfRow, snapshotKeyTopicOf } from '@regsync/messaging/crypto-shredding';

/**
 * A compacted topic holding the latest state of one register instance, so a new consumer starts from it instead
 * of the whole history. One record per row: key `<table>/<primary key>`, value JSON `{ table, row }` with every
 * column in PostgreSQL's text form (null value = the row is gone: a tombstone, removed by compaction). The
 * messaging version tables travel along, so the new instance ignores older events and continues its own
 * numbering; the inbox, outbox and transfer log do not (they are history, not state). The last record, key
 * `__log-offsets__`, holds the consumer-group offsets from which the log continues after the snapshot.
 * A person's rows are sealed with the person's snapshot key, a parcel's rows with a key of the parcel and its owners
 * (snapshot-sealing.ts); the person's erasure withdraws both: from then on no snapshot published before opens them,
 * and a load skips them, counted (a parcel's row comes back with the next snapshot, or its restatement in the log).
 */
export interface SnapshotPublishResult {
  topic: string;
  rows: number;
  /** Rows sealed with their person's or parcel's snapshot key. */
  sealedRows: number;
  tombstones: number;
  /** Snapshot keys made now (persons in no earlier snapshot) and withdrawn now (persons gone, or erased meanwhile). */
  keysIssued: number;
  keysWithdrawn: number;
  offsets: SnapshotOffsets;
}

export interface SnapshotLoadResult {
  rows: number;
  /** Rows of persons (or parcels listing owners) whose snapshot key is withdrawn (erased): skipped. */
  erased: number;
  offsets: SnapshotOffsets;
}

export interface SnapshotPublishOptions {
  topic: string;
  /** snapshotKeyTopicOf the instance: where its persons' snapshot keys are. */
  keyTopic: string;
  /** The instance's authority: the authority of rows of a table that is not isolated by authority. */
  authority: string;
  databaseUrl: string;
  consumerGroup: string;
}

/** topic → partition → next offset to read. */
export type SnapshotOffsets = Record<string, Record<string, string>>;

const OFFSETS_KEY = '__log-offsets__';
const STATE_TABLES = /^(?!regsync_inbox$|regsync_outbox$|migrations$|typeorm_|transfer_log)/;

export function snapshotTopicOf(app: string, instanceKey: string, namespace = ''): string {
  return [namespace, 'regsync', 'snapshot', app, instanceKey, 'v1'].filter(Boolean).join('.');
}

/** The snapshot topic of an instance, where its persons' snapshot keys are, and its authority. */
export function snapshotOf(app: string, instanceKey: string, namespace = ''): Pick<SnapshotPublishOptions, 'topic' | 'keyTopic' | 'authority'> {
  return { topic: snapshotTopicOf(app, instanceKey, namespace), keyTopic: snapshotKeyTopicOf(app, instanceKey, namespace), authority: instanceKey };
}

export async function publishSnapshot(kafka: Kafka, options: SnapshotPublishOptions): Promise<SnapshotPublishResult> {
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
  const previous = await readLatest(kafka, options.topic);
  const keys = await readLatest(kafka, options.keyTopic);
  const current = await readState(options.databaseUrl);
  const tombstones = [...previous.keys()].filter((key) => key !== OFFSETS_KEY && !current.has(key));
  const issued = new Map<string, Buffer>();
  const used = new Set<string>();
  let sealedRows = 0;
  const records = [...current].map(([recordKey, row]) => {
    const keyId = snapshotKeyIdOfRow(row.row, options.authority);
    if (!keyId) return { key: recordKey, value: JSON.stringify(row) };
    let key = keys.get(keyId) ?? issued.get(keyId);
    if (!key) issued.set(keyId, (key = randomBytes(32)));
    used.add(keyId);
    sealedRows++;
    return { key: recordKey, value: JSON.stringify(sealSnapshotRow(recordKey, row, { id: keyId, key })) };
  });
  // The keys of the persons of the last snapshot who are gone now (moved away, deleted, erased): their rows get tombstones.
  const earlier = [...previous].filter(([key]) => key !== OFFSETS_KEY).map(([, value]) => JSON.parse(value.toString()) as SnapshotRow | SealedSnapshotRow);
  const unused = [...new Set(earlier.filter(isSealedSnapshotRow).map((row) => row.keyId))].filter((keyId) => !used.has(keyId));
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const sender = new AcknowledgedSender(kafka);
  const send = (topic: string, messages: { key: string; value: Buffer | string | null }[]) => sendInBatches(sender, producer, topic, messages);
  await producer.connect();
  let withdrawn: string[];
  try {
    // the keys before the rows they open
    await send(options.keyTopic, [...issued].map(([keyId, key]) => ({ key: keyId, value: key })));
    await send(options.topic, [...records, ...tombstones.map((key) => ({ key, value: null })), { key: OFFSETS_KEY, value: JSON.stringify(offsets) }]);
    // A person erased after the state was read may have had their key's tombstone written before the key made now:
    // read again, and withdraw the new keys of persons no longer there (an erasure after this read writes its own).
    const still = issued.size > 0 ? new Set([...(await readState(options.databaseUrl)).values()].map((row) => snapshotKeyIdOfRow(row.row, options.authority))) : new Set<string | undefined>();
    withdrawn = [...unused, ...[...issued.keys()].filter((keyId) => !still.has(keyId))];
    await send(options.keyTopic, withdrawn.map((keyId) => ({ key: keyId, value: null })));
  } finally {
    await producer.disconnect();
  }
  return { topic: options.topic, rows: current.size, sealedRows, tombstones: tombstones.length, keysIssued: issued.size, keysWithdrawn: withdrawn.length, offsets };
}

async function sendInBatches(sender: AcknowledgedSender, producer: Producer, topic: string, messages: { key: string; value: Buffer | string | null }[]): Promise<void> {
  for (let from = 0; from < messages.length; from += 1_000) await sender.sendBatch(producer, [{ topic, messages: messages.slice(from, from + 1_000) }]);
}

/**
 * Fills an empty, migrated register database from the snapshot and returns the offsets the instance's consumer
 * group continues from. Refuses a database that already holds register rows.
 */
export async function loadSnapshot(kafka: Kafka, options: Pick<SnapshotPublishOptions, 'topic' | 'keyTopic' | 'databaseUrl'>): Promise<SnapshotLoadResult> {
  const latest = await readLatest(kafka, options.topic);
  const keys = await readLatest(kafka, options.keyTopic);
  const offsetsRecord = latest.get(OFFSETS_KEY);
  if (!offsetsRecord) throw new Error(`snapshot topic ${options.topic} holds no complete snapshot (no ${OFFSETS_KEY} record)`);
  const client = new Client({ connectionString: options.databaseUrl, application_name: 'regsync-replay-snapshot' });
  await client.connect();
  let rows = 0;
  let erased = 0;
  try {
    await client.query('begin');
    const records: SnapshotRow[] = [];
    for (const [recordKey, value] of latest) {
      if (recordKey === OFFSETS_KEY) continue;
      const record = JSON.parse(value.toString()) as SnapshotRow | SealedSnapshotRow;
      if (!isSealedSnapshotRow(record)) records.push(record);
      else if (keys.has(record.keyId)) records.push(openSnapshotRow(recordKey, record, keys.get(record.keyId)!));
      else erased++;
    }
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
  return { rows, erased, offsets: JSON.parse(offsetsRecord.toString()) as SnapshotOffsets };
}

/** The latest value per key (tombstones remove the key), as compaction will eventually leave it; none for a topic not there. */
async function readLatest(kafka: Kafka, topic: string): Promise<Map<string, Buffer>> {
  const admin = kafka.admin();
  await admin.connect();
  const ranges = (await admin.listTopics()).includes(topic) ? await resolveLogRange(admin, { topics: [topic] }) : [];
  await admin.disconnect();
  const latest = new Map<string, Buffer>();
  await readBoundedLog(kafka, ranges, {
    groupPrefix: `${topic}.reader`,
    partitionsConcurrently: 1,
    onChunk: async ({ messages }) => messages.forEach((message: KafkaMessage) => apply(latest, message)),
  });
  return latest;
}

function apply(latest: Map<string, Buffer>, message: KafkaMessage): void {
  const key = message.key?.toString();
  if (!key) return;
  if (message.value === null || message.value.length === 0) latest.delete(key);
  else latest.set(key, message.value);
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

import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { EventCodec, SubjectKeyErasedError } from '@regsync/contracts/event-encoding';
import { outgoingTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { databaseUrl, ensureDatabase } from '@regsync/persistence/databases';
import { messagingMigrations } from '../src/messaging-schema';
import { Outbox, SUBJECT_KEY_RECORD } from '../src/outbox';
import { snapshotKeyIdOf } from '../src/snapshot-sealing';
import { publishedPayload, StoredPayload } from '../src/subject-version-slot';
import { TestEnvironment, startTestEnvironment } from './support/test-environment';
import { personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY, asTestInstance, testAuthorityDatabase, testDatabaseName } from './support/test-register.module';

interface Row {
  id: string;
  event_type: string;
  topic: string;
  record_key: string;
  /** Null: a tombstone. An event's with its subject version written in, as the relay publishes it. */
  payload: Buffer | null;
}

describe('Outbox of a register that seals (crypto-shredding)', () => {
  let env: TestEnvironment;
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  let codec: EventCodec;
  let outbox: Outbox;
  let outgoing: string;

  beforeAll(async () => {
    env = await startTestEnvironment();
    await ensureDatabase(env.databaseUrl, testDatabaseName(env.namespace));
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(env.databaseUrl, testDatabaseName(env.namespace)), migrations: messagingMigrations, migrationsRun: true }).initialize();
    database = await testAuthorityDatabase(dataSource, testDatabaseName(env.namespace));
    codec = await EventCodec.connect(env.schemaRegistryUrl);
    const options = { app: TEST_APP, level: 'MUNICIPAL' as const, instanceKey: TEST_INSTANCE_KEY, namespace: env.namespace, kafka: env.connection, schemaRegistryUrl: env.schemaRegistryUrl, metrics: new RegsyncMetrics(), admit: () => ({ kind: 'ignore' as const }) };
    outbox = new Outbox({ ...options, subjectKeySecret: randomBytes(32) }, codec);
    outgoing = outgoingTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await env?.close();
  }, 60_000);

  const rowsSince = async (id: string): Promise<Row[]> => {
    const rows = (await dataSource.query('select id::text, event_type, topic, record_key, payload, version_offset, subject_version::text from regsync_outbox where id > $1 order by id', [id])) as (Row & StoredPayload)[];
    return rows.map((row) => ({ ...row, payload: publishedPayload(row) }));
  };
  const lastId = async (): Promise<string> => (await dataSource.query('select coalesce(max(id), 0)::text as id from regsync_outbox'))[0].id;
  const keysOf = (rows: Row[]) => async (keyId: string) => rows.find((row) => row.event_type === SUBJECT_KEY_RECORD && row.record_key === keyId && row.payload !== null)?.payload ?? undefined;

  it('seals each event with its subject key, stored wrapped, and puts a new key on the key topic before the first event sealed with it', asTestInstance(async () => {
    const subject = subjectId(301);
    const before = await lastId();
    await database.transaction((manager) => outbox.appendMany(manager, [personDraft(subject, 0), personDraft(subject, 1)]));
    await database.transaction((manager) => outbox.append(manager, personDraft(subject, 2)));
    const rows = await rowsSince(before);

    expect(rows.map((row) => [row.event_type === SUBJECT_KEY_RECORD ? 'key' : 'event', row.topic])).toEqual([
      ['key', subjectKeyTopicOf(outgoing)],
      ['event', outgoing],
      ['event', outgoing],
      ['event', outgoing],
    ]);
    const events = rows.filter((row) => row.event_type !== SUBJECT_KEY_RECORD);
    // the subject id is in the clear envelope (routing, order), the rest is sealed
    for (const row of events) expect(row.payload!.includes(subject)).toBe(true);
    const opened = await Promise.all(events.map(async (row) => (await codec.decode(row.payload!, keysOf(rows))).event.envelope.subjectVersion));
    expect(opened).toEqual([1, 2, 3]);
    const [stored] = (await dataSource.query('select key_id::text, wrapped_key from regsync_subject_key where subject_id = $1', [subject])) as { key_id: string; wrapped_key: Buffer }[];
    expect(stored.key_id).toBe(rows[0].record_key);
    expect(stored.wrapped_key.includes(rows[0].payload!)).toBe(false);
  }));

  it('shreds a subject key: tombstones of it and of the snapshot key follow on the key topic, and the events sealed with it no longer open', asTestInstance(async () => {
    const subject = subjectId(302);
    const before = await lastId();
    await database.transaction((manager) => outbox.append(manager, personDraft(subject, 0)));
    const snapshotKeyId = snapshotKeyIdOf(TEST_INSTANCE_KEY, subject);
    const [{ keyId }] = await database.transaction((manager) => outbox.shredKeys(manager, [{ subject: { kind: 'PERSON', id: subject }, snapshotKeyId }]));
    const rows = await rowsSince(before);
    expect(rows.filter((row) => row.event_type === SUBJECT_KEY_RECORD).map((row) => [row.topic, row.record_key, row.payload !== null])).toEqual([
      [subjectKeyTopicOf(outgoing), keyId, true],
      [subjectKeyTopicOf(outgoing), keyId, false],
      [subjectKeyTopicOf(outgoing), snapshotKeyId, false],
    ]);
    // What a reader holds after the tombstone: no key.
    await expect(codec.decode(rows.find((row) => row.event_type !== SUBJECT_KEY_RECORD)!.payload!, async () => undefined)).rejects.toThrow(SubjectKeyErasedError);
    expect(await dataSource.query('select 1 from regsync_subject_key where subject_id = $1', [subject])).toEqual([]);
    // A later event about the subject gets a new key: nothing sealed before opens with it.
    await database.transaction((manager) => outbox.append(manager, personDraft(subject, 1)));
    const [newKey] = (await dataSource.query('select key_id::text from regsync_subject_key where subject_id = $1', [subject])) as { key_id: string }[];
    expect(newKey.key_id).not.toBe(keyId);
  }));
});

import { DataSource } from 'typeorm';
import type { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { EventCodec, EventEncodeError } from '@regsync/contracts/event-encoding';
import { EventType } from '@regsync/contracts/generated/events';
import { outgoingTopicOf } from '@regsync/contracts/topics';
import { messagingMigrations } from '../src/messaging-schema';
import { EventDraft, Outbox } from '../src/outbox';
import { publishedPayload, StoredPayload } from '../src/subject-version-slot';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { databaseUrl, ensureDatabase } from '@regsync/persistence/databases';
import { TestEnvironment, startTestEnvironment } from './support/test-environment';
import { personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY, asTestInstance, testAuthorityDatabase, testDatabaseName } from './support/test-register.module';

interface StoredRow {
  id: string;
  event_id: string;
  record_key: string;
  subject_version: string;
  /** With its subject version written in, as the relay publishes it. */
  payload: Buffer;
}

describe('Outbox', () => {
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
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await env?.close();
  }, 60_000);

  async function storedOf(subjects: string[]): Promise<StoredRow[]> {
    const rows = (await dataSource.query('select id::text, event_id::text, record_key, subject_version::text, payload, version_offset from regsync_outbox where record_key = any($1) order by regsync_outbox.id', [
      subjects,
    ])) as (StoredRow & StoredPayload)[];
    return rows.map((row) => ({ ...row, payload: publishedPayload(row)! }));
  }

  it('appends many drafts in one go, numbering each subject’s drafts consecutively in draft order, after its earlier events', asTestInstance(async () => {
    const [a, b] = [subjectId(101), subjectId(102)];
    const first = await database.transaction((manager) => outbox.append(manager, personDraft(a, 0)));
    const drafts = [personDraft(b, 1), personDraft(a, 1), personDraft(a, 2), personDraft(b, 2), personDraft(a, 3)];
    const events = await database.transaction((manager) => outbox.appendMany(manager, drafts));

    expect(first.envelope.subjectVersion).toBe(1);
    expect(events.map((event) => [event.envelope.subject.id, event.envelope.subjectVersion])).toEqual([
      [b, 1],
      [a, 2],
      [a, 3],
      [b, 2],
      [a, 4],
    ]);
    const stored = await storedOf([a, b]);
    // Outbox ids follow draft order, so each subject's events are relayed in version order.
    expect(stored.map((row) => row.event_id)).toEqual([first, ...events].map((event) => event.envelope.eventId));
    for (const row of stored) {
      const { event } = await codec.decode(row.payload);
      expect(event.envelope.subjectVersion).toBe(Number(row.subject_version));
      expect(event.envelope.subject.id).toBe(row.record_key);
    }
  }));

  it("stores an event's deliveries once per delivery topic with the source envelope unchanged, on the outgoing topic only the instance's own events", asTestInstance(async () => {
    const subject = subjectId(105);
    const source = await database.transaction((manager) => outbox.append(manager, personDraft(subject, 0)));
    const rows = ['e2e.regsync.deliveries.a.1', 'e2e.regsync.deliveries.b.2'].map((topic) => ({ topic, event: source, payload: codec.encode(source), headers: { 'regsync-recipient-register': 'MELDEREGISTER' } }));
    await database.transaction((manager) => outbox.appendDeliveries(manager, rows));
    // A redelivery of the source event to the router routes it again: no second row per topic.
    await database.transaction((manager) => outbox.appendDeliveries(manager, rows));

    const stored = (await dataSource.query('select topic, event_id::text, subject_version::int as version, headers from regsync_outbox where record_key = $1 order by id', [subject])) as { topic: string; event_id: string; version: number; headers: Record<string, string> }[];
    expect(stored.map((row) => [row.topic, row.event_id, row.version])).toEqual([
      [outgoingTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace), source.envelope.eventId, 1],
      ['e2e.regsync.deliveries.a.1', source.envelope.eventId, 1],
      ['e2e.regsync.deliveries.b.2', source.envelope.eventId, 1],
    ]);
    expect(stored[1].headers).toEqual({ 'regsync-recipient-register': 'MELDEREGISTER' });
  }));

  it('stores each event with the slot its version of any size is written into', asTestInstance(async () => {
    const subject = subjectId(103);
    // Avro longs take one byte up to 63, two up to 8191, three beyond.
    for (const [from, count] of [
      [60, 6],
      [8189, 5],
    ]) {
      await database.transaction((manager) =>
        manager.query(
          `insert into regsync_subject_version (register, subject_kind, subject_id, version) values ('PERSONENSTANDSREGISTER', 'PERSON', $1, $2)
           on conflict (authority_key, register, subject_kind, subject_id) do update set version = excluded.version`,
          [subject, from],
        ),
      );
      const drafts = Array.from({ length: count }, (_, n) => personDraft(subject, n, `Name-${from}-${n}`));
      const events = await database.transaction((manager) => outbox.appendMany(manager, drafts));
      expect(events.map((event) => event.envelope.subjectVersion)).toEqual(Array.from({ length: count }, (_, n) => from + 1 + n));
    }
    const decoded = await Promise.all((await storedOf([subject])).map(async (row) => (await codec.decode(row.payload)).event));
    expect(decoded.map((event) => event.envelope.subjectVersion)).toEqual([61, 62, 63, 64, 65, 66, 8190, 8191, 8192, 8193, 8194]);
    expect(decoded.filter((event) => event.envelope.eventType === 'NameChanged').map((event) => (event as { familyName: string }).familyName)).toEqual(['Name-60-0', 'Name-60-4', 'Name-8189-0', 'Name-8189-4']);
  }));

  it('writes nothing, not even a version number, when one of the drafts does not fit its schema', asTestInstance(async () => {
    const subject = subjectId(104);
    const invalid = { ...personDraft(subject, 1), payload: { ...personDraft(subject, 1).payload, toMunicipalityKey: 42 } } as unknown as EventDraft<EventType>;
    await expect(database.transaction((manager) => outbox.appendMany(manager, [personDraft(subject, 0), invalid]))).rejects.toThrow(EventEncodeError);

    const [event] = await database.transaction((manager) => outbox.appendMany(manager, [personDraft(subject, 2)]));
    expect(event.envelope.subjectVersion).toBe(1);
    expect((await storedOf([subject])).length).toBe(1);
  }));
});

import { Client } from 'pg';
import { deliveryTopicOf } from '@regsync/contracts/topics';
import { registerDatabaseChecksum, loadSnapshot, publishSnapshot, snapshotOf } from '@regsync/event-replay/register-snapshots';
import { Kafka, KafkaMessage } from 'kafkajs';
import { readBoundedLog, resolveLogRange, bootReplayTarget } from '@regsync/event-replay/replay';
import { snapshotKeyIdOf } from '@regsync/messaging/crypto-shredding';
import { dropDatabase } from '@regsync/persistence/databases';
import { executeReplay } from '../src/replay/replay-execution';
import { loadReplayConfig } from '../src/replay-config';
import { targetInstance } from '../src/target-apps';
import { FlowEvents } from './support/register-flow-events';
import { stateEnv } from './support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

describe('bootstrapping a register from a snapshot topic', () => {
  let env: ReplayTestEnvironment;

  beforeAll(async () => {
    env = await startReplayTestEnvironment('snapshot');
  });

  afterAll(async () => {
    await env?.close();
  });

  it('loads the latest state of an instance into a new database, which then ignores the events before the snapshot', async () => {
    const config = loadReplayConfig(stateEnv(env, '03'));
    const source = targetInstance(config, 'state-register', '03');
    const fresh = targetInstance(config, 'state-register', '05');
    env.dropAtEnd(source.databaseName);
    env.dropAtEnd(fresh.databaseName);
    const snapshot = snapshotOf('state-register', '03', env.namespace);
    const { topic } = snapshot;

    const sourceTarget = await bootReplayTarget(source.module());
    await env.produce(deliveryTopicOf('state-register', '03', env.namespace), FlowEvents.demoFlowsForNiedersachsen(40).events, 'LANDESMELDEREGISTER');
    await executeReplay(sourceTarget, { label: 'fill', namespace: env.namespace, groupPrefix: `${env.namespace}.regsync-replay`, range: {}, filter: {}, dryRun: false });
    await sourceTarget.close();
    const published = await publishSnapshot(env.kafka, { ...snapshot, databaseUrl: source.databaseUrl, consumerGroup: source.consumerGroup });
    expect(published.rows).toBeGreaterThanOrEqual(80);
    // every person's row sealed: no name, street or date of birth of anyone in the topic's bytes
    expect(published.sealedRows).toBeGreaterThanOrEqual(80);
    expect(published.keysIssued).toBe(40);
    const persons = await query(source.databaseUrl, "select family_name, given_names, address->>'street' as street from state_residents");
    expect(persons).toHaveLength(40);
    // quoted as in JSON (base64 has no quotes, so a short name cannot turn up by chance in the ciphertext)
    const bytes = Buffer.concat((await rawRecords(env.kafka, topic)).map((record) => record.value ?? Buffer.alloc(0)));
    for (const text of ['"family_name"', ...persons.flatMap((person) => Object.values(person).map((value) => JSON.stringify(value)))]) expect([text, bytes.includes(text)]).toEqual([text, false]);

    await query(source.databaseUrl, 'delete from state_residents where idnr = (select min(idnr) from state_residents)');
    const republished = await publishSnapshot(env.kafka, { ...snapshot, databaseUrl: source.databaseUrl, consumerGroup: source.consumerGroup });
    expect(republished).toMatchObject({ tombstones: 1, keysIssued: 0 });

    const freshTarget = await bootReplayTarget(fresh.module());
    await freshTarget.close();
    const loaded = await loadSnapshot(env.kafka, { ...snapshot, databaseUrl: fresh.databaseUrl });
    expect(loaded).toMatchObject({ rows: published.rows - 1, erased: 0 });
    expect((await registerDatabaseChecksum(fresh.databaseUrl)).tables).toEqual((await registerDatabaseChecksum(source.databaseUrl)).tables);
    await expect(loadSnapshot(env.kafka, { ...snapshot, databaseUrl: fresh.databaseUrl })).rejects.toThrow(/not empty/);

    // restoring the source instance itself: the versions came along, so the log before the snapshot applies nothing
    const before = await registerDatabaseChecksum(source.databaseUrl);
    await dropDatabase(env.databaseUrl, source.databaseName);
    await (await bootReplayTarget(source.module())).close();
    await loadSnapshot(env.kafka, { ...snapshot, databaseUrl: source.databaseUrl });
    expect((await registerDatabaseChecksum(source.databaseUrl)).sha256).toBe(before.sha256);
    const again = await bootReplayTarget(source.module());
    try {
      const summary = await executeReplay(again, { label: 'after snapshot', namespace: env.namespace, groupPrefix: `${env.namespace}.regsync-replay`, range: {}, filter: {}, dryRun: false });
      expect(summary.outcomes.applied + summary.outcomes.gap_applied).toBe(0);
      expect(summary.outcomes.stale).toBeGreaterThan(0);
    } finally {
      await again.close();
    }
    expect((await registerDatabaseChecksum(source.databaseUrl)).sha256).toBe(before.sha256);
  }, 180_000);

  it("skips the rows of a person erased after the snapshot was published: the erasure's key tombstone leaves them unreadable", async () => {
    const config = loadReplayConfig(stateEnv(env, '03'));
    const source = targetInstance(config, 'state-register', '03');
    const restored = targetInstance(config, 'state-register', '06');
    env.dropAtEnd(restored.databaseName);
    const snapshot = snapshotOf('state-register', '03', env.namespace);
    const [{ idnr }] = await query(source.databaseUrl, 'select min(idnr) as idnr from state_residents');
    const personRows = Number((await query(source.databaseUrl, "select (select count(*) from state_residents where idnr = $1) + (select count(*) from regsync_applied_version where subject_kind = 'PERSON' and subject_id = $1) as count", [idnr]))[0].count);
    expect(personRows).toBeGreaterThanOrEqual(2);

    // what the person's erasure writes through the outbox (PersonErasure): the tombstone of their snapshot key
    const producer = env.kafka.producer();
    await producer.connect();
    await producer.send({ topic: snapshot.keyTopic, acks: -1, messages: [{ key: snapshotKeyIdOf('03', String(idnr)), value: null }] });
    await producer.disconnect();

    await (await bootReplayTarget(restored.module())).close();
    const loaded = await loadSnapshot(env.kafka, { ...snapshot, databaseUrl: restored.databaseUrl });
    expect(loaded.erased).toBe(personRows);
    expect(await query(restored.databaseUrl, "select idnr from state_residents where idnr = $1 union all select subject_id from regsync_applied_version where subject_id = $1", [idnr])).toEqual([]);
    // the rest is the register as the erasure leaves it
    await query(source.databaseUrl, "delete from state_residents where idnr = $1", [idnr]);
    await query(source.databaseUrl, "delete from regsync_applied_version where subject_kind = 'PERSON' and subject_id = $1", [idnr]);
    expect((await registerDatabaseChecksum(restored.databaseUrl)).tables).toEqual((await registerDatabaseChecksum(source.databaseUrl)).tables);
  }, 120_000);
});

async function query(databaseUrl: string, sql: string, parameters: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, parameters)).rows;
  } finally {
    await client.end();
  }
}

async function rawRecords(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ranges = await resolveLogRange(admin, { topics: [topic] });
  await admin.disconnect();
  const records: KafkaMessage[] = [];
  await readBoundedLog(kafka, ranges, { groupPrefix: `${topic}.test`, partitionsConcurrently: 1, onChunk: async ({ messages }) => void records.push(...messages) });
  return records;
}

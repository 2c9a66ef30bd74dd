import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { decodeStateRecord } from '@regsync/contracts/event-encoding';
import { consumerGroupOf, deliveryTopicOf, outgoingTopicOf, stateTopicOf, KAFKA_HEADERS } from '@regsync/contracts/topics';
import { RecipientState } from '@regsync/data-protection/delivery-routing';
import { Outbox, RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { registerDatabaseChecksum } from '@regsync/event-replay/register-snapshots';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadRouterConfig } from '@regsync/apps/router/src/config';
import { RouterModule } from '@regsync/apps/router/src/router.module';
import { bootstrapInstance } from '@regsync/apps/replay/src/bootstrap/bootstrap.command';
import { loadReplayConfig } from '@regsync/apps/replay/src/replay-config';
import { targetInstance } from '@regsync/apps/replay/src/target-apps';
import { FlowEvents } from '@regsync/apps/replay/test/support/register-flow-events';
import { startStateRegister, stateEnv, waitForNoLag } from '@regsync/apps/replay/test/support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { recordsOf } from './support/topic-records';

jest.setTimeout(300_000);

const ROUTED = 'MUNICIPAL:03404000,MUNICIPAL:14612000,STATE:03,STATE:14,FEDERAL:DE';
const PARCEL_KEPT = '14612300100012______';
const PARCEL_LEFT = '14612300100013______';

/** The latest record per key, as compaction leaves it (null: a tombstone). */
async function latestOf(env: ReplayTestEnvironment, topic: string): Promise<Map<string, Buffer | null>> {
  return new Map((await recordsOf(env, topic)).map((record) => [record.key, record.value]));
}

/** Per subject, the event ids the state topic's latest record holds, in order (tombstones and absent subjects left out). */
async function stateOf(env: ReplayTestEnvironment, topic: string): Promise<Map<string, string[]>> {
  const states = new Map<string, string[]>();
  for (const [key, value] of await latestOf(env, topic)) {
    if (value) states.set(key, decodeStateRecord(value).deliveries.map((delivery) => delivery.headers[KAFKA_HEADERS.eventId]));
  }
  return states;
}

async function query<T>(connectionString: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/**
 * The router keeps a compacted state topic per recipient instance; a new database of the Land mirror of Niedersachsen
 * starts from it and equals the one that consumed the whole delivery history, then continues on its delivery topic.
 */
describe('compacted state topics: a new register database starts from current state', () => {
  let env: ReplayTestEnvironment;
  let router: INestApplication;
  let live: INestApplication | undefined;
  const flows = FlowEvents.demoFlowsForNiedersachsen(40);
  const people = [...new Set(flows.events.map((event) => event.envelope.subject.id))];

  /** Sends events on their senders' outgoing topics, in order per sender. */
  async function send(events: readonly RegsyncEvent[]): Promise<void> {
    for (const event of events) {
      const { level, instanceKey } = event.envelope.source;
      await env.produce(outgoingTopicOf(level === 'STATE' ? 'state-register' : 'municipal-register', instanceKey, env.namespace), [event]);
    }
  }

  /** The router has read every outgoing topic and published every row of its outbox. */
  async function routed(): Promise<void> {
    const outgoing = ['03404000', '14612000'].map((key) => outgoingTopicOf('municipal-register', key, env.namespace));
    await waitForNoLag(env.kafka, consumerGroupOf('router', 'main', env.namespace), [...outgoing, outgoingTopicOf('state-register', '14', env.namespace)], 120_000);
    await waitUntil('the router published its outbox', async () => {
      const [{ pending }] = (await router.get(DataSource).query('select count(*)::int as pending from regsync_outbox where published_at is null')) as { pending: number }[];
      return pending === 0 || undefined;
    });
    // Committed is not yet readable everywhere: each partition's commit marker is written after the commit.
    const recipients = [['state-register', '03'], ['state-register', '14'], ['federal-register', 'DE'], ['municipal-register', '03404000'], ['municipal-register', '14612000']] as const;
    for (const topic of recipients.flatMap(([app, key]) => [deliveryTopicOf(app, key, env.namespace), stateTopicOf(app, key, env.namespace)])) {
      const [{ rows }] = (await router.get(DataSource).query('select count(*)::int as rows from regsync_outbox where topic = $1', [topic])) as { rows: number }[];
      await waitUntil(`every record of ${topic} readable`, async () => (await recordsOf(env, topic)).length === rows || undefined);
    }
  }

  const instance = () => targetInstance(loadReplayConfig(stateEnv(env, '03')), 'state-register', '03');

  beforeAll(async () => {
    env = await startReplayTestEnvironment('statetopic');
    env.dropAtEnd(instanceDatabaseName('router', 'main', env.namespace));
    env.dropAtEnd(instanceDatabaseName('state', '03', env.namespace));
    router = await startService(
      RouterModule.forRoot(loadRouterConfig({ ...kafkaEnvironmentOf(env.connection), DATABASE_URL: env.databaseUrl, SCHEMA_REGISTRY_URL: env.schemaRegistryUrl, NAMESPACE: env.namespace, HOST: '127.0.0.1', PORT: '1', ROUTED_INSTANCES: ROUTED })),
      { title: 'router', host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport },
    );
    live = await startStateRegister(env, '03');
    await send(flows.events);
    await routed();
    await consumedEverything();
  });

  /** The live Land mirror has every delivery the router made to it in its inbox (by count; the router dead-letters the invalid name). */
  async function consumedEverything(): Promise<void> {
    const [{ routedThere }] = (await router.get(DataSource).query('select count(*)::int as "routedThere" from regsync_outbox where topic = $1', [deliveryTopicOf('state-register', '03', env.namespace)])) as { routedThere: number }[];
    await waitUntil('the Land mirror consumed every delivery', async () => {
      const [{ applied }] = await query<{ applied: number }>(instance().databaseUrl, 'select count(*)::int as applied from regsync_inbox');
      return applied === routedThere || undefined;
    });
  }

  afterAll(async () => {
    await live?.close();
    await router?.close();
    await env?.close();
  });

  it("holds per subject exactly the deliveries the recipient got, in order, and nothing about a subject it never got", async () => {
    for (const [app, key] of [['state-register', '03'], ['state-register', '14'], ['federal-register', 'DE']] as const) {
      const delivered = new Map<string, string[]>();
      for (const record of await recordsOf(env, deliveryTopicOf(app, key, env.namespace))) delivered.set(record.key, [...(delivered.get(record.key) ?? []), record.headers[KAFKA_HEADERS.eventId]]);
      expect(await stateOf(env, stateTopicOf(app, key, env.namespace))).toEqual(delivered);
    }
    // Sachsen got only the movers to Dresden; Niedersachsen everyone registered in Osnabrück.
    expect((await stateOf(env, stateTopicOf('state-register', '14', env.namespace))).size).toBe(people.filter((_, n) => n % 4 === 1).length);
    expect((await stateOf(env, stateTopicOf('state-register', '03', env.namespace))).size).toBe(people.length);
  });

  it('bootstraps a new database that equals the one that consumed the whole history, applied versions and inbox included; a later event then applies in order', async () => {
    await live?.close();
    live = undefined;
    const target = instance();
    const consumed = await registerDatabaseChecksum(target.databaseUrl);
    const bookkeeping = (url: string) =>
      Promise.all([
        query(url, 'select subject_kind, subject_id, source_instance_key, source_register, version::text from regsync_applied_version order by 1, 2, 3, 4'),
        query(url, 'select event_id from regsync_inbox order by 1'),
      ]);
    const consumedBookkeeping = await bookkeeping(target.databaseUrl);
    expect(consumed.tables.find((table) => table.table === 'state_residents')?.rows).toBe(people.length);
    await dropDatabase(env.databaseUrl, target.databaseName);

    const result = await bootstrapInstance(target);

    expect(result.subjects).toBe(people.length);
    expect(result.outcomes.rejected).toBe(0);
    expect(await registerDatabaseChecksum(target.databaseUrl)).toEqual(consumed);
    expect(await bookkeeping(target.databaseUrl)).toEqual(consumedBookkeeping);
    const deliveryTopic = deliveryTopicOf('state-register', '03', env.namespace);
    const admin = env.kafka.admin();
    await admin.connect();
    try {
      const [{ partitions }] = await admin.fetchOffsets({ groupId: target.consumerGroup, topics: [deliveryTopic] });
      expect(partitions.map(({ partition, offset }) => ({ partition, offset })).sort((a, b) => a.partition - b.partition)).toEqual(result.offsets[deliveryTopic].sort((a, b) => a.partition - b.partition));
    } finally {
      await admin.disconnect();
    }

    // A death after the bootstrap: stamped with the version delivered before it, which the new database has applied.
    const dying = people[2];
    const before = flows.events.length;
    flows.dieInOsnabrueck(dying);
    live = await startStateRegister(env, '03');
    await send(flows.events.slice(before));
    await routed();
    await consumedEverything();
    expect(await query(target.databaseUrl, `select date_of_death::text from state_residents where idnr = '${dying}'`)).toEqual([{ date_of_death: '2026-11-24' }]);
    expect(await query(target.databaseUrl, 'select count(*)::int as held from regsync_held_event')).toEqual([{ held: 0 }]);
    expect(await query(target.databaseUrl, 'select count(*)::int as applied from regsync_inbox')).toEqual([{ applied: consumedBookkeeping[1].length + 1 }]);
  });

  it('forgets a parcel that left a municipality and an erased person with tombstones; a database bootstrapped afterwards never holds them', async () => {
    const parcelEvent = (eventType: 'ParcelRecorded' | 'ParcelLeftMunicipality', parcelId: string, version: number, payload: Record<string, unknown>) =>
      ({
        envelope: {
          eventId: randomUUID(), eventType, occurredAt: new Date(), source: { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' }, subject: { kind: 'PARCEL', id: parcelId },
          subjectVersion: version, correlationId: randomUUID(), causationId: null, legalBasis: '§ 229 Abs. 3 BewG',
        },
        ...payload,
      }) as unknown as RegsyncEvent;
    const recorded = (parcelId: string) => parcelEvent('ParcelRecorded', parcelId, 1, { parcelId, municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [people[1]] });
    await send([recorded(PARCEL_KEPT), recorded(PARCEL_LEFT)]);
    await routed();
    await send([parcelEvent('ParcelLeftMunicipality', PARCEL_LEFT, 2, { parcelId: PARCEL_LEFT, fromMunicipalityKey: '14612000', toMunicipalityKey: '14713000', changeReason: 'Umgemeindung' })]);
    await routed();
    const dresdenState = stateTopicOf('municipal-register', '14612000', env.namespace);
    const dresden = await recordsOf(env, dresdenState);
    expect(dresden.filter((record) => record.key === PARCEL_LEFT).map((record) => record.value === null)).toEqual([false, true]);
    expect([...(await stateOf(env, dresdenState)).keys()].filter((key) => key.startsWith('1461230010001'))).toEqual([PARCEL_KEPT]);

    // The erasure seam the crypto-shredding's erasure calls: a tombstone on every state topic that holds the person.
    const erased = people[1];
    await runAsAuthority('main', () =>
      router.get(AuthorityDatabase).transaction(async (manager) => router.get(Outbox).appendRecords(manager, await new RecipientState(env.namespace, (_app, authority) => authority).erase(manager, { kind: 'PERSON', id: erased }, randomUUID()))),
    );
    await routed();
    for (const topic of [stateTopicOf('state-register', '03', env.namespace), stateTopicOf('state-register', '14', env.namespace), stateTopicOf('federal-register', 'DE', env.namespace)]) {
      expect([topic, (await latestOf(env, topic)).get(erased)]).toEqual([topic, null]);
    }
    expect(await router.get(DataSource).query('select count(*)::int as kept from recipient_state_deliveries where subject_id = $1', [erased])).toEqual([{ kept: 0 }]);

    await live?.close();
    live = undefined;
    const target = instance();
    await dropDatabase(env.databaseUrl, target.databaseName);
    const result = await bootstrapInstance(target);
    expect(result.subjects).toBe(people.length - 1);
    const residents = await query<{ idnr: string }>(target.databaseUrl, 'select idnr from state_residents order by idnr');
    expect(residents.map((row) => row.idnr)).toEqual(people.filter((idnr) => idnr !== erased).sort());
  });

  it("leaves nothing of the parcel that left and of the erased person on the state topic once the broker compacted it", async () => {
    const topic = stateTopicOf('municipal-register', '14612000', env.namespace);
    const gone = [PARCEL_LEFT, people[1]];
    const before = new Set((await recordsOf(env, topic)).map((record) => record.key));
    expect(gone.filter((key) => before.has(key))).toEqual(gone);
    const admin = env.kafka.admin();
    await admin.connect();
    const producer = env.kafka.producer();
    await producer.connect();
    try {
      // Compaction soon: small segments, no lag, tombstones dropped at the next cleaning (the catalog keeps them a day).
      await admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: Object.entries({ 'cleanup.policy': 'compact', 'segment.ms': '200', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': '0', 'delete.retention.ms': '0' }).map(([name, value]) => ({ name, value })) }],
      });
      // A segment rolls only when a record arrives after segment.ms: the probe appends one each time it looks.
      const compacted = await waitUntil(
        'the broker compacted the state topic',
        async () => {
          await producer.send({ topic, messages: Array.from({ length: 6 }, (_, partition) => ({ key: 'segment-roll', value: null, partition })) });
          const keys = new Set((await recordsOf(env, topic)).map((record) => record.key));
          return gone.some((key) => keys.has(key)) ? undefined : keys;
        },
        240_000,
        1_000,
      );
      expect(compacted.has(PARCEL_KEPT)).toBe(true);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });
});

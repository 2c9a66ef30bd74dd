import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EventCodec, SubjectKeyErasedError, SubjectKeySource, decodeStateRecord } from '@regsync/contracts/event-encoding';
import type { ResidenceRegistered } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, headerText, APP_OF_LEVEL, ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, subjectKeyTopicOf } from '@regsync/contracts/topics';
import { type DatabaseChecksum, registerDatabaseChecksum, type SnapshotPublishResult, loadSnapshot, publishSnapshot, snapshotOf } from '@regsync/event-replay/register-snapshots';
import { bootReplayTarget } from '@regsync/event-replay/replay';
import { type SealedSnapshotRow, type SnapshotRow, isSealedSnapshotRow, openSnapshotRow, snapshotKeyIdOf } from '@regsync/messaging/crypto-shredding';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { type LocalStack, randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';
import { rebuildInstance } from '@regsync/apps/replay/src/replay/rebuild.command';
import { kafkaOf } from '@regsync/apps/replay/src/cli-options';
import { loadReplayConfig } from '@regsync/apps/replay/src/replay-config';
import { targetInstance } from '@regsync/apps/replay/src/target-apps';
import { DATABASE_URL, E2eStack, KAFKA_CONNECTION } from './support/e2e-stack';

const OSNABRUECK = '03404000';
const DRESDEN = '14612000';
// Holds the person only as an owner of a parcel.
const LEIPZIG = '14713000';
// Names no other record of the run carries, so a byte scan finds only this person.
const FAMILY_NAME = 'Zwetschgenbaum';
const GIVEN_NAMES = 'Erwine';
const MARRIED_NAME = 'Quittenstrauch';
const DATE_OF_BIRTH = '1984-07-02';
// Flurstücke in Dresden and Leipzig the person owns with the neighbour.
const PARCEL = '14612300100077______';
const LEIPZIG_PARCEL = '14713300100078______';
const INSTANCES = [OSNABRUECK, DRESDEN, LEIPZIG, '03', '14', 'DE'];

const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const dresdenAddress = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: DRESDEN };

jest.setTimeout(120_000);

describe('erasure of a person in the immutable log (crypto-shredding)', () => {
  const namespace = `e2e${randomBytes(3).toString('hex')}`;
  const idnr = generateIdnr();
  const neighbour = generateIdnr();
  let e2e: E2eStack;
  /** Stopped by the last test before the independent build starts its own stack. */
  let e2eStopped = false;
  let stack: LocalStack;
  let osnabrueck: AgencyClient;
  let dresden: AgencyClient;
  let leipzig: AgencyClient;
  let niedersachsen: AgencyClient;
  let sachsen: AgencyClient;
  let federal: AgencyClient;
  let codec: EventCodec;
  let deadLetterId: string;
  let snapshot: SnapshotPublishResult;
  const replayConfig = () => loadReplayConfig({ ...kafkaEnvironmentOf(KAFKA_CONNECTION), DATABASE_URL, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, NAMESPACE: namespace });
  const routerDeadLetters = () => deadLetterTopicOf(consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, namespace));

  /** Every key left on every key topic of the namespace (event, delivery and snapshot keys). */
  async function keysLeft(): Promise<SubjectKeySource> {
    const keys = new Map<string, Buffer>();
    for (const topic of (await e2e.topicsOfNamespace()).filter((candidate) => candidate.endsWith('.keys'))) {
      for (const record of await e2e.readWholeTopic(topic)) {
        if (record.value && record.value.length > 0) keys.set(record.key!.toString(), record.value);
        else keys.delete(record.key!.toString());
      }
    }
    return async (keyId) => keys.get(keyId);
  }

  /**
   * The records of the namespace's topics that open with a key left and name `idnr` in their content (outgoing,
   * deliveries, dead letters, retries, and every delivery held in a state record); the clear PersonErased aside.
   */
  async function openRecordsNaming(person: string): Promise<string[]> {
    const keys = await keysLeft();
    const naming: string[] = [];
    const check = async (where: string, bytes: Buffer | null) => {
      if (!bytes || bytes.length === 0 || bytes[0] !== 0) return;
      const opened = await codec.decode(bytes, keys).catch((error: unknown) => error);
      if (opened instanceof Error || !opened || typeof opened !== 'object' || !('event' in opened)) return;
      const { envelope, ...content } = opened.event as { envelope: { eventType: string } } & Record<string, unknown>;
      if (envelope.eventType !== 'PersonErased' && JSON.stringify(content).includes(person)) naming.push(`${where} ${envelope.eventType}`);
    };
    for (const topic of (await e2e.topicsOfNamespace()).filter((candidate) => !candidate.endsWith('.keys') && !candidate.includes('.snapshot.'))) {
      for (const record of await e2e.readWholeTopic(topic)) {
        if (topic.includes('.regsync.state.')) {
          if (record.value && record.value.length > 0) for (const delivery of decodeStateRecord(record.value).deliveries) await check(topic, delivery.value);
        } else await check(topic, record.value);
      }
    }
    return naming;
  }

  /** The record keys of the snapshot's rows that open (in the clear, or with a key left) and name `person`. */
  async function openSnapshotRowsNaming(source: { topic: string }, person: string): Promise<string[]> {
    const keys = await keysLeft();
    const naming: string[] = [];
    const latest = new Map<string, Buffer | null>();
    for (const record of await e2e.readWholeTopic(source.topic)) latest.set(record.key!.toString(), record.value);
    for (const [recordKey, value] of latest) {
      if (!value || value.length === 0 || recordKey.startsWith('__')) continue;
      const record = JSON.parse(value.toString()) as SnapshotRow | SealedSnapshotRow;
      const key = isSealedSnapshotRow(record) ? await keys(record.keyId) : undefined;
      const row = isSealedSnapshotRow(record) ? key && openSnapshotRow(recordKey, record, key) : record;
      if (row && JSON.stringify(row).includes(person)) naming.push(recordKey);
    }
    return naming;
  }

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, { portOffset: randomPortOffset(1000, 20), instances: (instance) => INSTANCES.includes(instance.instanceKey) });
    stack = e2e.stack;
    ({ osnabrueck, dresden, leipzig, niedersachsen, sachsen, federal } = agenciesOf(stack));
    await makeAgencyCalls(agenciesOf(stack), { idnr, neighbour });

    // A dead letter about the person: Osnabrück's software sends a registration of theirs with a move-in before the
    // birth, sealed with its key of the person as its relay does, and the router refuses it as implausible.
    codec = await EventCodec.connect(stack.schemaRegistryUrl);
    const osnabrueckTopic = outgoingTopicOf('municipal-register', stack.processKeyOf('municipal-register', OSNABRUECK), namespace);
    const sent = (await e2e.readWholeTopic(osnabrueckTopic)).find((record) => record.key?.toString() === idnr && headerText(record.headers?.[KAFKA_HEADERS.eventType]) === 'ResidenceRegistered')!;
    const { event, subjectKey } = await codec.decode(sent.value, await e2e.subjectKeysOf(osnabrueckTopic));
    const registered = event as ResidenceRegistered;
    const implausible: ResidenceRegistered = { ...registered, movedInOn: new Date(Date.UTC(1970, 0, 1)), envelope: { ...registered.envelope, eventId: randomUUID(), correlationId: randomUUID() } };
    const producer = e2e.kafka.producer();
    await producer.connect();
    await e2e.send(producer, codec, implausible, implausible.envelope.source, subjectKey);
    await producer.disconnect();
    const deadLetter = await waitUntil('the router dead-letters it', async () =>
      (await e2e.readWholeTopic(routerDeadLetters())).find((record) => headerText(record.headers?.[KAFKA_HEADERS.eventId]) === implausible.envelope.eventId),
    );
    expect(headerText(deadLetter.headers?.[KAFKA_HEADERS.dlqReasonCode])).toBe('implausible');
    // the reason (in the clear) names field and rule, not the sealed event's dates
    expect(headerText(deadLetter.headers?.[KAFKA_HEADERS.dlqReason])).toBe('movedInOn: … is before the date of birth …');
    deadLetterId = implausible.envelope.eventId;
    // readable before the erasure: the person's key opens it
    expect((await codec.decode(deadLetter.value, async () => subjectKey!.key)).event).toMatchObject({ familyName: FAMILY_NAME });

    // A snapshot of Niedersachsen published before the erasure.
    const config = replayConfig();
    const instance = targetInstance(config, 'state-register', '03');
    snapshot = await publishSnapshot(kafkaOf(config), { ...snapshotOf('state-register', '03', namespace), databaseUrl: instance.databaseUrl, consumerGroup: instance.consumerGroup });
    expect(snapshot.sealedRows).toBeGreaterThanOrEqual(4);
    // And one of Sachsen, whose cadastre lists the person as an owner of both parcels.
    const sachsenInstance = targetInstance(config, 'state-register', '14');
    await publishSnapshot(kafkaOf(config), { ...snapshotOf('state-register', '14', namespace), databaseUrl: sachsenInstance.databaseUrl, consumerGroup: sachsenInstance.consumerGroup });
    expect(await openSnapshotRowsNaming(snapshotOf('state-register', '14', namespace), idnr)).toEqual(expect.arrayContaining([`parcels/14/${PARCEL}`, `parcels/14/${LEIPZIG_PARCEL}`]));
  }, 360_000);

  afterAll(async () => {
    if (!e2eStopped) await e2e?.stop();
  }, 120_000);

  /** Niedersachsen's and Leipzig's checksums (the replay CLI's) after the run's agency calls without the person, in a stack of its own. */
  async function checksumsWithout(erased: string, kept: string): Promise<{ niedersachsen: DatabaseChecksum; leipzig: DatabaseChecksum }> {
    const independent = await E2eStack.start(`${namespace}b`, { portOffset: randomPortOffset(1000, 20), instances: (instance) => INSTANCES.includes(instance.instanceKey) });
    try {
      await makeAgencyCalls(agenciesOf(independent.stack), { neighbour: kept });
      expect((await AgencyClient.of(independent.stack, 'state-register', '03').resident(erased)).status).toBe(404);
      const config = loadReplayConfig({ ...kafkaEnvironmentOf(KAFKA_CONNECTION), DATABASE_URL, SCHEMA_REGISTRY_URL: independent.stack.schemaRegistryUrl, NAMESPACE: `${namespace}b` });
      return {
        niedersachsen: await registerDatabaseChecksum(targetInstance(config, 'state-register', '03').databaseUrl),
        leipzig: await registerDatabaseChecksum(targetInstance(config, 'municipal-register', LEIPZIG).databaseUrl),
      };
    } finally {
      await independent.stop();
    }
  }

  it("gives a recipient a key of the person only with a delivery its route allows, a key of its own: Niedersachsen's and the BZSt's, none to Sachsen nor Dresden", async () => {
    const osnabrueckTopic = outgoingTopicOf('municipal-register', stack.processKeyOf('municipal-register', OSNABRUECK), namespace);
    const sent = (await e2e.readWholeTopic(osnabrueckTopic)).find((record) => record.key?.toString() === neighbour)!;
    const { subjectKey } = await codec.decode(sent.value, await e2e.subjectKeysOf(osnabrueckTopic));
    const deliveryTopic = (app: (typeof APP_OF_LEVEL)[keyof typeof APP_OF_LEVEL], instanceKey: string) => deliveryTopicOf(app, stack.processKeyOf(app, instanceKey), namespace);
    const keyIdsGivenTo = async (app: (typeof APP_OF_LEVEL)[keyof typeof APP_OF_LEVEL], instanceKey: string) => (await e2e.readWholeTopic(subjectKeyTopicOf(deliveryTopic(app, instanceKey)))).map((record) => record.key?.toString());
    /** The key the recipient's deliveries about the neighbour open with (one per recipient and person). */
    const deliveryKeyOf = async (app: (typeof APP_OF_LEVEL)[keyof typeof APP_OF_LEVEL], instanceKey: string) => {
      const deliveries = (await e2e.deliveriesTo(app, instanceKey)).filter((record) => record.key?.toString() === neighbour);
      const keys = await e2e.subjectKeysOf(deliveryTopic(app, instanceKey));
      const keyIds = new Set(await Promise.all(deliveries.map(async (record) => (await codec.decode(record.value, keys)).subjectKey?.id)));
      expect(keyIds.size).toBe(1);
      return [...keyIds][0]!;
    };
    expect(subjectKey?.id).toEqual(expect.any(String));
    const niedersachsensKey = await deliveryKeyOf('state-register', '03');
    const bzstsKey = await deliveryKeyOf('federal-register', 'DE');
    const neighboursKeys = [subjectKey!.id, niedersachsensKey, bzstsKey];
    expect(new Set(neighboursKeys).size).toBe(3);
    // The sender's key goes to no recipient; each recipient gets its own key only, Sachsen and Dresden none.
    for (const [app, instanceKey, ownKey] of [['state-register', '03', niedersachsensKey], ['federal-register', 'DE', bzstsKey], ['state-register', '14'], ['municipal-register', DRESDEN]] as const) {
      const given = await keyIdsGivenTo(app, instanceKey);
      expect([app, instanceKey, neighboursKeys.filter((keyId) => given.includes(keyId))]).toEqual([app, instanceKey, ownKey ? [ownKey] : []]);
    }
  });

  it('refuses a bad request naming the field and rule, a read-only agency, and a person the register does not hold', async () => {
    const erase = (body: unknown, client = dresden) => client.send('POST', '/ops/persons/erasures', body);
    const bad = await erase({ idnr: '12345678990', reason: 'BECAUSE' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/idnr/);
    expect(JSON.stringify(bad.body)).toMatch(/reason/);
    expect((await erase({ idnr, reason: 'REGISTRATION_IN_ERROR' }, dresden.withApiKey(stack.cockpitKey))).status).toBe(401);
    expect((await erase({ idnr, reason: 'REGISTRATION_IN_ERROR' }, dresden.withApiKey(undefined))).status).toBe(401);
    expect((await erase({ idnr: generateIdnr(), reason: 'REGISTRATION_IN_ERROR' })).status).toBe(404);
    expect((await dresden.resident(idnr)).status).toBe(200);
  });

  it('erases the person at the Melderegister and in every register that holds them; the neighbour stays', async () => {
    const erased = await dresden.send<{ correlationId: string; deleted: Record<string, number>; unlisted: Record<string, number>; keyErased: boolean }>('POST', '/ops/persons/erasures', { idnr, reason: 'REGISTRATION_IN_ERROR' });
    expect(erased.status).toBe(200);
    expect(erased.body.keyErased).toBe(true);
    expect(erased.body.deleted).toMatchObject({ residents: 1 });
    // Dresden's property-tax roll listed them as an owner of the parcel.
    expect(erased.body.unlisted).toEqual({ property_tax_entries: 1 });
    expect((await dresden.resident(idnr)).status).toBe(404);
    for (const [name, read] of [
      ['Osnabrück', () => osnabrueck.resident(idnr)],
      ['Niedersachsen', () => niedersachsen.resident(idnr)],
      ['Sachsen', () => sachsen.resident(idnr)],
      ['the BZSt', () => federal.person(idnr)],
    ] as const) {
      await waitUntil(`${name} no longer holds the person`, async () => ((await read()).status === 404 ? true : undefined));
    }
    expect((await niedersachsen.resident(neighbour)).status).toBe(200);
    expect((await osnabrueck.resident(neighbour)).status).toBe(200);
  });

  it("takes the person off the parcels they own: the rolls keep the co-owner (Leipzig, which holds them only as an owner, too), the cadastre keeps the person by law without transferring them, also with a later change", async () => {
    expect((await dresden.propertyTax(PARCEL)).body).toMatchObject({ ownerIdnrs: [neighbour] });
    await waitUntil("Leipzig's roll no longer lists the person", () => bodyIf(leipzig.propertyTax(LEIPZIG_PARCEL), (body) => (body.ownerIdnrs as string[]).length === 1));
    expect((await leipzig.propertyTax(LEIPZIG_PARCEL)).body).toMatchObject({ ownerIdnrs: [neighbour] });
    // Art. 17 Abs. 3 lit. b DSGVO: the cadastre must keep the owners (retention catalog, `parcels`).
    const kept = await waitUntil('Sachsen keeps the person as an owner it no longer transfers', () => bodyIf(sachsen.parcel(PARCEL), (body) => (body.erasedOwnerIdnrs as string[]).length > 0));
    expect(kept).toMatchObject({ ownerIdnrs: [neighbour], erasedOwnerIdnrs: [idnr] });
    // The surveyor still names both owners: the roll gets the change, with the co-owner only.
    const changed = await sachsen.recordParcel({ parcelId: PARCEL, municipalityKey: DRESDEN, areaSquareMetres: 587, usage: 'Wohnbaufläche mit Garten', ownerIdnrs: [idnr, neighbour], changeReason: 'Zerlegung' });
    expect(changed.status).toBe(201);
    const entry = await waitUntil('Dresden has the changed area', () => bodyIf(dresden.propertyTax(PARCEL), (body) => body.areaSquareMetres === 587));
    expect(entry).toMatchObject({ ownerIdnrs: [neighbour], lastChangeReason: 'Zerlegung' });
  });

  it("re-keys the parcels they owned: no record of any topic that opens with a key left names their IdNr (the cadastre's, the rolls', the router's deliveries and state records), the co-owner's parcel still opens", async () => {
    expect(await openRecordsNaming(neighbour)).not.toEqual([]);
    await waitUntil('no record that opens names the owner', async () => ((await openRecordsNaming(idnr)).length === 0 ? true : undefined), 60_000);
    // The parcels were restated under new keys: their current state, with the co-owner, opens on every topic.
    const stillOpen = await openRecordsNaming(neighbour);
    for (const prefix of ['regsync.out.state-register', 'regsync.deliveries.municipal-register', 'regsync.state.municipal-register']) {
      expect([prefix, stillOpen.some((record) => record.includes(prefix))]).toEqual([prefix, true]);
    }
    expect(stillOpen.filter((record) => record.endsWith('ParcelRestated')).length).toBeGreaterThanOrEqual(2);
  });

  it("leaves no row of the person's parcels open in Sachsen's snapshot published before the erasure", async () => {
    await waitUntil("the cadastre's erasure withdrew the parcels' snapshot keys", async () => ((await openSnapshotRowsNaming(snapshotOf('state-register', '14', namespace), idnr)).length === 0 ? true : undefined));
  });

  it('leaves no copy of the person readable: no name in the raw bytes of any topic, and no record about them opens with the keys left', async () => {
    const topics = await e2e.topicsOfNamespace();
    const dataTopics = topics.filter((topic) => /\.regsync\.(out|deliveries)\.[^.]+\.[^.]+$/.test(topic));
    expect(dataTopics.length).toBeGreaterThanOrEqual(10);
    const deadLetterTopics = topics.filter((topic) => topic.endsWith('.dlq'));
    expect(deadLetterTopics).toContain(routerDeadLetters());
    // Tombstones follow the erasure through the relays; wait until no record of the person opens any more.
    await waitUntil('every key of the person is withdrawn', async () => {
      for (const topic of dataTopics) {
        const keys = await e2e.subjectKeysOf(topic);
        for (const record of (await e2e.readWholeTopic(topic)).filter((candidate) => candidate.key?.toString() === idnr)) {
          const opened = await codec.decode(record.value, keys).catch((error: unknown) => error);
          if (!(opened instanceof SubjectKeyErasedError) && (opened as { eventType?: string }).eventType !== 'PersonErased') return undefined;
        }
      }
      return true;
    }, 60_000);
    // The dead letters about the person (the router's refusal among them) open with no key left on any key topic.
    const keysLeft = await Promise.all(dataTopics.map((topic) => e2e.subjectKeysOf(topic)));
    const anyKeyLeft: SubjectKeySource = async (keyId) => (await Promise.all(keysLeft.map((keys) => keys(keyId)))).find(Boolean);
    const deadLetters = (await Promise.all(deadLetterTopics.map((topic) => e2e.readWholeTopic(topic)))).flat().filter((record) => record.key?.toString() === idnr);
    expect(deadLetters.map((record) => headerText(record.headers?.[KAFKA_HEADERS.eventId]))).toContain(deadLetterId);
    for (const record of deadLetters) expect(await codec.decode(record.value, anyKeyLeft).catch((error: unknown) => error)).toBeInstanceOf(SubjectKeyErasedError);
    // Every topic the person's events passed (outgoing, deliveries, dead letters, retry, key topics), from offset 0.
    for (const topic of topics) {
      for (const record of await e2e.readWholeTopic(topic)) {
        const bytes = Buffer.concat([record.key ?? Buffer.alloc(0), record.value ?? Buffer.alloc(0), ...Object.values(record.headers ?? {}).map((value) => Buffer.from(String(value)))]);
        for (const name of [FAMILY_NAME, MARRIED_NAME, GIVEN_NAMES, DATE_OF_BIRTH]) expect([topic, name, bytes.includes(name)]).toEqual([topic, name, false]);
      }
    }
  });

  it('leaves neither name nor IdNr in any register table, outbox or held event of any service; only the transfer log and the erasure itself name the IdNr', async () => {
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const { rows: databases } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`%${namespace}%`]);
      expect(databases.length).toBeGreaterThanOrEqual(6);
      const holding: string[] = [];
      for (const { datname } of databases) {
        const database = new Client({ connectionString: DATABASE_URL.replace(/\/[^/]*$/, `/${datname}`) });
        await database.connect();
        try {
          const { rows: tables } = await database.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'");
          for (const { tablename } of tables) {
            const { rows } = await database.query<{ text: string }>(`select t::text as text from ${tablename} t`);
            const text = rows.map((row) => row.text).join('\n');
            for (const name of [FAMILY_NAME, MARRIED_NAME]) expect([datname, tablename, text.includes(name)]).toEqual([datname, tablename, false]);
            if (text.includes(idnr)) holding.push(tablename);
          }
        } finally {
          await database.end();
        }
      }
      // The transfer log is kept by law (2 years, § 9 IDNrG: that and what was transferred, no values); the outbox keeps
      // the erasure itself and record keys of sealed records, which no key opens any more; the cadastre of Sachsen keeps
      // the person as an owner (Art. 17 Abs. 3 lit. b DSGVO), the one register that must.
      expect(holding.filter((table) => !['transfer_log', 'regsync_outbox'].includes(table))).toEqual(['parcels']);
    } finally {
      await client.end();
    }
  });

  it('restores Niedersachsen from the snapshot published before the erasure without the person, their rows skipped and counted', async () => {
    const config = replayConfig();
    const source = snapshotOf('state-register', '03', namespace);
    const keysOfNiedersachsen = () => e2e.subjectKeysOf(outgoingTopicOf('state-register', '03', namespace));
    await waitUntil("Niedersachsen's erasure withdrew the person's snapshot key", async () => ((await (await keysOfNiedersachsen())(snapshotKeyIdOf('03', idnr))) ? undefined : true));
    expect(await (await keysOfNiedersachsen())(snapshotKeyIdOf('03', neighbour))).toBeDefined();
    const restored = targetInstance(config, 'state-register', '05');
    await (await bootReplayTarget(restored.module())).close();
    const loaded = await loadSnapshot(kafkaOf(config), { ...source, databaseUrl: restored.databaseUrl });
    expect(loaded.erased).toBeGreaterThanOrEqual(2);
    expect(loaded.rows).toBe(snapshot.rows - loaded.erased);
    const client = new Client({ connectionString: restored.databaseUrl });
    await client.connect();
    try {
      expect((await client.query('select idnr from state_residents')).rows).toEqual([{ idnr: neighbour }]);
    } finally {
      await client.end();
    }
  });

  it("rebuilds Niedersachsen and Leipzig's roll from their logs after the erasure, skipping their events, to the checksums of registers that never held the person", async () => {
    await stack.kill('state 03', 'SIGTERM');
    const config = replayConfig();
    const rebuilt = await rebuildInstance(config, targetInstance(config, 'state-register', '03'));
    expect(rebuilt.erasedEvents).toBeGreaterThanOrEqual(2);
    expect(rebuilt.appliedEvents).toBeGreaterThanOrEqual(2);
    // Leipzig's roll held the person only as an owner: its parcel's deliveries before the erasure no longer open.
    await stack.kill(`municipal ${stack.processKeyOf('municipal-register', LEIPZIG)}`, 'SIGTERM');
    const rebuiltLeipzig = await rebuildInstance(config, targetInstance(config, 'municipal-register', LEIPZIG));
    expect(rebuiltLeipzig.erasedEvents).toBeGreaterThanOrEqual(1);
    // An independent build: the same agency calls without the person, in a namespace of its own (one stack at a time).
    await e2e.stop();
    e2eStopped = true;
    const neverHeld = await checksumsWithout(idnr, neighbour);
    expect(comparable(rebuilt.after)).toEqual(comparable(neverHeld.niedersachsen));
    expect(rebuilt.after.tables.find((table) => table.table === 'state_residents')?.rows).toBe(1);
    expect(comparable(rebuiltLeipzig.after)).toEqual(comparable(neverHeld.leipzig));
    expect(rebuiltLeipzig.after.tables.find((table) => table.table === 'property_tax_entries')?.rows).toBe(1);
  }, 360_000);
});

type Agencies = ReturnType<typeof agenciesOf>;

function agenciesOf(stack: LocalStack) {
  return {
    osnabrueck: AgencyClient.of(stack, 'municipal-register', OSNABRUECK),
    dresden: AgencyClient.of(stack, 'municipal-register', DRESDEN),
    leipzig: AgencyClient.of(stack, 'municipal-register', LEIPZIG),
    niedersachsen: AgencyClient.of(stack, 'state-register', '03'),
    sachsen: AgencyClient.of(stack, 'state-register', '14'),
    federal: AgencyClient.of(stack, 'federal-register', 'DE'),
  };
}

/**
 * The agencies' calls of the run: without `idnr`, the same calls without the person, for a register that never held them.
 * The person lives in Osnabrück, moves to Dresden and marries there: five registers hold them, three senders sealed
 * events; they own a parcel in Dresden with the neighbour.
 */
async function makeAgencyCalls({ osnabrueck, dresden, leipzig, niedersachsen, sachsen, federal }: Agencies, { idnr, neighbour }: { idnr?: string; neighbour: string }): Promise<void> {
  const person = idnr && { idnr, familyName: FAMILY_NAME, givenNames: GIVEN_NAMES, sex: 'FEMALE', dateOfBirth: DATE_OF_BIRTH };
  if (person) expect((await osnabrueck.registerResidence({ ...person, address: osnabrueckAddress, movedInOn: '2019-05-01', previousAddress: null })).status).toBe(201);
  expect((await osnabrueck.registerResidence({ idnr: neighbour, familyName: 'Bleibtreu', givenNames: 'Hanna', sex: 'FEMALE', dateOfBirth: '1979-01-09', address: osnabrueckAddress, movedInOn: '2019-05-01', previousAddress: null })).status).toBe(201);
  if (person) {
    await waitUntil('the BZSt holds the person', () => bodyIf(federal.person(person.idnr)));
    expect((await dresden.registerResidence({ ...person, address: dresdenAddress, movedInOn: '2024-02-01', previousAddress: osnabrueckAddress })).status).toBe(201);
    await waitUntil('Osnabrück marked the person moved out', () => bodyIf(osnabrueck.resident(person.idnr), (body) => body.status === 'MOVED_OUT'));
    expect((await dresden.recordNameChange({ idnr: person.idnr, familyName: MARRIED_NAME, givenNames: GIVEN_NAMES, reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: '2024-06-01' })).status).toBe(201);
    await waitUntil('Sachsen has the married name', () => bodyIf(sachsen.resident(person.idnr), (body) => body.familyName === MARRIED_NAME));
    await waitUntil('the BZSt has the married name', () => bodyIf(federal.person(person.idnr), (body) => body.familyName === MARRIED_NAME));
    await waitUntil('Niedersachsen holds the person', () => bodyIf(niedersachsen.resident(person.idnr)));
  }
  await waitUntil('Niedersachsen holds the neighbour', () => bodyIf(niedersachsen.resident(neighbour)));
  const owners = [...(idnr ? [idnr] : []), neighbour];
  for (const [parcelId, municipalityKey, roll] of [[PARCEL, DRESDEN, dresden], [LEIPZIG_PARCEL, LEIPZIG, leipzig]] as const) {
    expect((await sachsen.recordParcel({ parcelId, municipalityKey, areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: owners })).status).toBe(201);
    await waitUntil(`the property-tax roll of ${municipalityKey} has the parcel`, () => bodyIf(roll.propertyTax(parcelId), (body) => (body.ownerIdnrs as string[]).length === owners.length));
  }
}

/** A checksum without the database's name, which differs between namespaces. */
function comparable({ sha256, tables }: DatabaseChecksum): Omit<DatabaseChecksum, 'database'> {
  return { sha256, tables };
}

async function bodyIf(response: Promise<{ status: number; body: Record<string, unknown> }>, accept: (body: Record<string, unknown>) => boolean = () => true): Promise<Record<string, unknown> | undefined> {
  const { status, body } = await response;
  return status === 200 && accept(body) ? body : undefined;
}

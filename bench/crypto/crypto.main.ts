// `npm run bench -- --crypto [--log-sizes 20,200] [--iterations 20000]` (tools/bench.mjs builds and starts the
// infrastructure, then runs this): what sealing costs per event (CPU µs, bytes) for every event type, and how long an
// erasure takes with two sizes of log behind it, and what sealing costs per row of a register snapshot. See bench/README.md.
import { Command, Option } from 'commander';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { logLevel } from 'kafkajs';
import { avroType, latestSchemas, innerEventOf, open, seal, sealedEventSchemaOf, SENT_IN_THE_CLEAR, type SealedEvent } from '@regsync/contracts/event-encoding';
import { EVENT_TYPES, type RegsyncEvent } from '@regsync/contracts/generated/events';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { LocalStack, localBrokerCredentials, randomPortOffset, workspaceRoot } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaClient } from '@regsync/messaging/broker';
import { deliveryTopicOf } from '@regsync/contracts/topics';
import { openSnapshotRow, sealSnapshotRow, snapshotKeyIdOf, type SnapshotRow } from '@regsync/messaging/crypto-shredding';
import { dropNamespaceDatabases } from '@regsync/persistence/databases';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';

const options = new Command()
  .addOption(new Option('--log-sizes <list>', 'persons registered before the erasures, one run each').default('20,1000'))
  .addOption(new Option('--erasures <n>', 'persons erased one after the other in each run (medians reported)').default('3'))
  .addOption(new Option('--owned-parcels <list>', 'parcels the erased person owns with a neighbour (cadastre of Niedersachsen, roll of Osnabrück), one run each').default('1,50'))
  .addOption(new Option('--iterations <n>', 'events sealed and opened per event type').default('20000'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'crypto-latest.md')))
  .parse()
  .opts<{ logSizes: string; erasures: string; ownedParcels: string; iterations: string; out: string }>();

const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connection = loadKafkaConnection();
const OSNABRUECK = '03404000';
const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };

interface SealingCost {
  eventType: string;
  clearBytes: number;
  sealedBytes: number;
  sealMicros: number;
  openMicros: number;
}

/** CPU time per call of `run`, in µs, over `iterations` calls after a warm-up. */
function cpuMicrosPerCall(iterations: number, run: () => void): number {
  for (let index = 0; index < Math.min(iterations, 2_000); index++) run();
  const start = process.cpuUsage();
  for (let index = 0; index < iterations; index++) run();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / iterations;
}

/** Encoding (Avro, Confluent framing) alone against encoding plus sealing, as the outbox does it; opening as a reader does. */
function sealingCosts(iterations: number): SealingCost[] {
  const schemas = latestSchemas();
  const sealedType = avroType(sealedEventSchemaOf([...schemas.values()][0].schema));
  const framing = Buffer.alloc(5);
  const key = { id: randomUUID(), key: randomBytes(32) };
  return EVENT_TYPES.filter((eventType) => !SENT_IN_THE_CLEAR.has(eventType)).map((eventType) => {
    const type = avroType(schemas.get(eventType)!.schema);
    const event = sampleEvent(eventType) as RegsyncEvent;
    const encode = () => Buffer.concat([framing, type.toBuffer(event)]);
    const innerEvent = innerEventOf(event);
    const sealed = () => {
      const inner = Buffer.concat([framing, type.toBuffer(innerEvent)]);
      return Buffer.concat([framing, sealedType.toBuffer({ envelope: event.envelope, ...seal(inner, event.envelope, key) })]);
    };
    const bytes = sealed();
    const encodeMicros = cpuMicrosPerCall(iterations, encode);
    const sealMicros = cpuMicrosPerCall(iterations, sealed) - encodeMicros;
    const openMicros = cpuMicrosPerCall(iterations, () => {
      type.fromBuffer(open(sealedType.fromBuffer(bytes.subarray(5)) as SealedEvent, key.key).subarray(5));
    }) - cpuMicrosPerCall(iterations, () => type.fromBuffer(encode().subarray(5)));
    return { eventType, clearBytes: encode().length, sealedBytes: bytes.length, sealMicros, openMicros };
  });
}

interface SnapshotRowCost {
  clearBytes: number;
  sealedBytes: number;
  sealMicros: number;
  openMicros: number;
}

/** A resident's row of a Land's register as `snapshot publish` carries it, sealed with the person's snapshot key and opened again. */
function snapshotRowCost(iterations: number): SnapshotRowCost {
  const row: SnapshotRow = {
    table: 'state_residents',
    row: { idnr: '36574261809', family_name: 'Zwetschgenbaum', given_names: 'Erwine', sex: 'FEMALE', date_of_birth: '1984-07-02', address: osnabrueckAddress, moved_in_on: '2019-05-01', status: 'RESIDENT', moved_away_to: null, moved_away_on: null, marital_status: null, date_of_death: null, updated_at: '2026-12-07T12:00:00.123456+00:00', authority_key: '03' },
  };
  const recordKey = 'state_residents/03/36574261809';
  const key = { id: snapshotKeyIdOf('03', '36574261809'), key: randomBytes(32) };
  const clear = () => JSON.stringify(row);
  const sealed = sealSnapshotRow(recordKey, row, key);
  const clearMicros = cpuMicrosPerCall(iterations, clear);
  return {
    clearBytes: clear().length,
    sealedBytes: JSON.stringify(sealed).length,
    sealMicros: cpuMicrosPerCall(iterations, () => JSON.stringify(sealSnapshotRow(recordKey, row, key))) - clearMicros,
    openMicros: cpuMicrosPerCall(iterations, () => openSnapshotRow(recordKey, JSON.parse(JSON.stringify(sealed)), key.key)) - cpuMicrosPerCall(iterations, () => JSON.parse(clear())),
  };
}

/** Osnabrück, Niedersachsen, the BZSt and the router as processes in a namespace of their own, removed afterwards. */
async function withStack<T>(work: (stack: LocalStack, kafka: ReturnType<typeof kafkaClient>, namespace: string) => Promise<T>): Promise<T> {
  const namespace = `crypto_${randomBytes(3).toString('hex')}`;
  const stack = new LocalStack({
    kafkaBrokers: connection.brokers.join(','),
    brokerCredentials: localBrokerCredentials(connection),
    databaseUrl: databaseServer,
    namespace,
    portOffset: randomPortOffset(7000, 40),
    instances: (instance) => [OSNABRUECK, '03', 'DE'].includes(instance.instanceKey),
    healthTimeoutMs: 300_000,
    onLine: () => undefined,
  });
  const kafka = kafkaClient(connection, { clientId: `regsync-${namespace}-bench`, logLevel: logLevel.NOTHING });
  await stack.start();
  try {
    return await work(stack, kafka, namespace);
  } finally {
    await stack.stop();
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
    await dropNamespaceDatabases(databaseServer, namespace);
  }
}

interface ErasureRun {
  persons: number;
  logRecords: number;
  /** Per erasure, in the order made. */
  requestMs: number[];
  propagatedMs: number[];
}

/** Registers `persons` people in Osnabrück, then erases `erasures` of them one after the other, timing each request and its arrival at the Land and the BZSt. */
async function erasureRun(persons: number, erasures: number): Promise<ErasureRun> {
  return withStack(async (stack, kafka, namespace) => {
    const osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
    const niedersachsen = AgencyClient.of(stack, 'state-register', '03');
    const federal = AgencyClient.of(stack, 'federal-register', 'DE');
    const idnrs = Array.from({ length: persons }, () => generateIdnr());
    for (let from = 0; from < idnrs.length; from += 8) {
      await Promise.all(
        idnrs.slice(from, from + 8).map(async (idnr, index) => {
          const response = await osnabrueck.registerResidence({ idnr, familyName: `Bench${lettersOf(from + index)}`, givenNames: 'Erika', sex: 'FEMALE', dateOfBirth: '1980-01-01', address: osnabrueckAddress, movedInOn: '2020-01-01', previousAddress: null });
          if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${JSON.stringify(response.body)}`);
        }),
      );
    }
    const last = idnrs[idnrs.length - 1];
    await waitUntil('the BZSt holds the last person', async () => ((await federal.person(last)).status === 200 ? true : undefined), 300_000);
    await waitUntil('Niedersachsen holds the last person', async () => ((await niedersachsen.resident(last)).status === 200 ? true : undefined), 300_000);
    const logRecords = await recordsInNamespace(kafka, namespace);
    const run: ErasureRun = { persons, logRecords, requestMs: [], propagatedMs: [] };
    for (const erased of idnrs.slice(0, erasures)) {
      const started = performance.now();
      const response = await osnabrueck.send('POST', '/ops/persons/erasures', { idnr: erased, reason: 'REGISTRATION_IN_ERROR' });
      run.requestMs.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`erasure answered ${response.status}: ${JSON.stringify(response.body)}`);
      await waitUntil('Niedersachsen and the BZSt erased the person', async () => ((await niedersachsen.resident(erased)).status === 404 && (await federal.person(erased)).status === 404 ? true : undefined), 120_000, 20);
      run.propagatedMs.push(performance.now() - started);
    }
    return run;
  });
}

interface ParcelOwnerErasureRun {
  parcels: number;
  requestMs: number;
  /** Until the cadastre re-keyed and restated every parcel (one transaction). */
  rekeyedMs: number;
  /** Until the router delivered every restatement to the roll, under new delivery keys. */
  restatedMs: number;
}

/**
 * Registers a person and a neighbour in Osnabrück, records `parcels` parcels in Niedersachsen's cadastre owned by both,
 * then erases the person: the request, until the cadastre moved them off every parcel (and re-keyed and restated each),
 * and until the router delivered the restatements to Osnabrück's roll.
 */
async function parcelOwnerErasureRun(parcels: number): Promise<ParcelOwnerErasureRun> {
  return withStack(async (stack, kafka, namespace) => {
    const osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
    const niedersachsen = AgencyClient.of(stack, 'state-register', '03');
    const [idnr, neighbour] = [generateIdnr(), generateIdnr()];
    for (const [owner, familyName] of [[idnr, 'Benchowner'], [neighbour, 'Benchneighbour']]) {
      const response = await osnabrueck.registerResidence({ idnr: owner, familyName, givenNames: 'Erika', sex: 'FEMALE', dateOfBirth: '1980-01-01', address: osnabrueckAddress, movedInOn: '2020-01-01', previousAddress: null });
      if (response.status !== 201) throw new Error(`registration answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    const parcelIds = Array.from({ length: parcels }, (_, index) => `034123001${String(index + 1).padStart(5, '0')}______`);
    for (const parcelId of parcelIds) {
      const response = await niedersachsen.recordParcel({ parcelId, municipalityKey: OSNABRUECK, areaSquareMetres: 600, usage: 'Wohnbaufläche', ownerIdnrs: [idnr, neighbour] });
      if (response.status !== 201) throw new Error(`parcel answered ${response.status}: ${JSON.stringify(response.body)}`);
    }
    const last = parcelIds[parcelIds.length - 1];
    await waitUntil("Osnabrück's roll has the last parcel", async () => ((await osnabrueck.propertyTax(last)).status === 200 ? true : undefined), 300_000);
    const deliveryTopic = deliveryTopicOf('municipal-register', stack.processKeyOf('municipal-register', OSNABRUECK), namespace);
    const delivered = async () => recordsIn(kafka, deliveryTopic);
    const before = await delivered();
    const started = performance.now();
    const response = await osnabrueck.send('POST', '/ops/persons/erasures', { idnr, reason: 'REGISTRATION_IN_ERROR' });
    const requestMs = performance.now() - started;
    if (response.status !== 200) throw new Error(`erasure answered ${response.status}: ${JSON.stringify(response.body)}`);
    await waitUntil('the cadastre re-keyed the parcels', async () => (((await niedersachsen.parcel(last)).body.erasedOwnerIdnrs as string[] | undefined)?.includes(idnr) ? true : undefined), 120_000, 20);
    const rekeyedMs = performance.now() - started;
    // Osnabrück sent the erasure: its delivery topic takes the restatements only.
    await waitUntil('the roll has every restatement', async () => ((await delivered()) - before >= parcels ? true : undefined), 120_000, 20);
    return { parcels, requestMs, rekeyedMs, restatedMs: performance.now() - started };
  });
}

async function recordsIn(kafka: ReturnType<typeof kafkaClient>, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
  } finally {
    await admin.disconnect();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function milliseconds(values: number[]): string {
  return values.map((value) => value.toFixed(0)).join(', ');
}

/** A name part for number `n` (names carry letters only, DIN 91379): 0 → a, 26 → ba. */
function lettersOf(n: number): string {
  return n.toString(26).replace(/./g, (digit) => String.fromCharCode(97 + parseInt(digit, 26)));
}

async function recordsInNamespace(kafka: ReturnType<typeof kafkaClient>, namespace: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let records = 0;
    for (const topic of (await admin.listTopics()).filter((name) => name.startsWith(`${namespace}.`))) {
      for (const { high, low } of await admin.fetchTopicOffsets(topic)) records += Number(high) - Number(low);
    }
    return records;
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  const iterations = Number(options.iterations);
  const costs = sealingCosts(iterations);
  for (const cost of costs) console.log(`${cost.eventType}: ${cost.clearBytes} → ${cost.sealedBytes} bytes, seal ${cost.sealMicros.toFixed(1)} µs, open ${cost.openMicros.toFixed(1)} µs`);
  const snapshotRow = snapshotRowCost(iterations);
  console.log(`snapshot row: ${snapshotRow.clearBytes} → ${snapshotRow.sealedBytes} bytes, seal ${snapshotRow.sealMicros.toFixed(1)} µs, open ${snapshotRow.openMicros.toFixed(1)} µs`);
  const runs: ErasureRun[] = [];
  for (const persons of options.logSizes.split(',').filter(Boolean).map(Number)) {
    const run = await erasureRun(persons, Number(options.erasures));
    console.log(`erasures after ${persons} persons (${run.logRecords} records in the log): request ${milliseconds(run.requestMs)} ms, at the Land and the BZSt ${milliseconds(run.propagatedMs)} ms`);
    runs.push(run);
  }
  const parcelRuns: ParcelOwnerErasureRun[] = [];
  for (const parcels of options.ownedParcels.split(',').filter(Boolean).map(Number)) {
    const run = await parcelOwnerErasureRun(parcels);
    console.log(`erasure of an owner of ${parcels} parcel(s): request ${run.requestMs.toFixed(0)} ms, re-keyed at the cadastre ${run.rekeyedMs.toFixed(0)} ms, restated at the roll ${run.restatedMs.toFixed(0)} ms`);
    parcelRuns.push(run);
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const lines = [
    '# Crypto-shredding: cost of sealing and of an erasure',
    '',
    `Run ${new Date().toISOString()} on ${cpus().length} cores, load ${loadavg().map((load) => load.toFixed(1)).join(' / ')}; \`npm run bench -- --crypto --log-sizes ${options.logSizes} --erasures ${options.erasures} --iterations ${iterations}\`.`,
    '',
    '## Sealing per event (AES-256-GCM of the encoded event, envelope in the clear)',
    '',
    'CPU µs per event beyond encoding (seal) and beyond decoding (open); bytes on the wire in Confluent framing. The sealed form',
    'adds a key id (36), a nonce (12), the GCM tag (16), the inner framing (5) and the inner envelope with its texts emptied.',
    '',
    '| event type | clear bytes | sealed bytes | + bytes | seal µs | open µs |',
    '|---|---:|---:|---:|---:|---:|',
    ...costs.map((cost) => `| ${cost.eventType} | ${cost.clearBytes} | ${cost.sealedBytes} | ${cost.sealedBytes - cost.clearBytes} | ${cost.sealMicros.toFixed(1)} | ${cost.openMicros.toFixed(1)} |`),
    `| mean | ${mean(costs.map((c) => c.clearBytes)).toFixed(0)} | ${mean(costs.map((c) => c.sealedBytes)).toFixed(0)} | ${mean(costs.map((c) => c.sealedBytes - c.clearBytes)).toFixed(0)} | ${mean(costs.map((c) => c.sealMicros)).toFixed(1)} | ${mean(costs.map((c) => c.openMicros)).toFixed(1)} |`,
    '',
    '## Sealing per snapshot row (`snapshot publish`: AES-256-GCM of the row JSON, base64)',
    '',
    "A resident's row of a Land's register; CPU µs beyond writing the row as JSON (seal) and beyond parsing it (open); bytes of the record value.",
    '',
    '| clear bytes | sealed bytes | + bytes | seal µs | open µs |',
    '|---:|---:|---:|---:|---:|',
    `| ${snapshotRow.clearBytes} | ${snapshotRow.sealedBytes} | ${snapshotRow.sealedBytes - snapshotRow.clearBytes} | ${snapshotRow.sealMicros.toFixed(1)} | ${snapshotRow.openMicros.toFixed(1)} |`,
    '',
    '## Erasure with two sizes of log',
    '',
    `Osnabrück, Niedersachsen, the BZSt and the router as processes; N persons registered in Osnabrück, then ${options.erasures} of them erased one after the other (median, and each).`,
    'Request: POST /ops/persons/erasures until its answer (rows, key, tombstone, PersonErased in one transaction). Propagated:',
    'until Niedersachsen and the BZSt answer 404 for the person. Nothing in the log is read or rewritten.',
    '',
    '| persons | records in the log | request ms, median (each) | propagated ms, median (each) |',
    '|---:|---:|---:|---:|',
    ...runs.map((run) => `| ${run.persons} | ${run.logRecords} | ${median(run.requestMs).toFixed(0)} (${milliseconds(run.requestMs)}) | ${median(run.propagatedMs).toFixed(0)} (${milliseconds(run.propagatedMs)}) |`),
    '',
    '## Erasure of an owner of N parcels',
    '',
    "The person and a neighbour own N parcels in Niedersachsen's cadastre (Osnabrück's roll). Request: the erasure at Osnabrück. Re-keyed:",
    "until the cadastre lists the person as an erased owner (its erasure deletes and tombstones every parcel's key and restates",
    'each parcel, in one transaction). Restated: until the router delivered the N restatements to the roll under new delivery keys',
    '(withdrawing the old ones).',
    '',
    '| parcels | request ms | re-keyed ms | restated at the roll ms |',
    '|---:|---:|---:|---:|',
    ...parcelRuns.map((run) => `| ${run.parcels} | ${run.requestMs.toFixed(0)} | ${run.rekeyedMs.toFixed(0)} | ${run.restatedMs.toFixed(0)} |`),
    '',
  ];
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, lines.join('\n'));
  console.log(`report: ${options.out}`);
}

void main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);

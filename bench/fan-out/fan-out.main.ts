// `npm run bench -- --fan-out [--municipalities 6,60]` (tools/bench.mjs builds and starts the infrastructure, then runs
// this): broker reads, Avro decodes and database write transactions per event of a move, a birth and a death, with 6
// and with 60 municipalities configured in the router. See bench/README.md.
import { Command, Option } from 'commander';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, deliveryTopicOf, outgoingTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { LocalStack, loadTopology, processName, randomPortOffset, workspaceRoot } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaClient } from '@regsync/messaging/broker';
import { readBoundedLog, resolveLogRange } from '@regsync/event-replay/replay';
import { parsePrometheusText } from '@regsync/observability/prometheus-rules';
import { databaseUrl, instanceDatabaseName, dropNamespaceDatabases } from '@regsync/persistence/databases';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { extraMunicipalities } from './fan-out-topology';
import { tallyFanOut, type ActionMeasurement, type EventCost, type TopicRecord } from './fan-out-tally';

const options = new Command()
  .addOption(new Option('--municipalities <list>', 'municipal instances configured in the router, one run each').default('6,60'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'fan-out-latest.md')))
  .parse()
  .opts<{ municipalities: string; out: string }>();

const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connection = loadKafkaConnection();
/** An action is over when no running process consumed, applied or published anything for this long. */
const QUIET_MS = 5_000;

const OSNABRUECK = '03404000';
const DRESDEN = '14612000';
const CITIZEN_IDNR = '36574261809';
const PARENT_IDNR = '12345678995';
const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const dresdenAddress = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: DRESDEN };
const citizen = { idnr: CITIZEN_IDNR, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14' };
const today = () => new Date().toISOString().slice(0, 10);

/** A process the bench can ask: its Prometheus counters and its database's inbox. */
interface Probe {
  name: string;
  metricsUrl: string;
  pool: Pool;
}

interface RunResult {
  municipalities: number;
  instancesConfigured: number;
  costs: EventCost[];
  /** Records on the delivery topics of the instances configured but not started. */
  deliveriesToIdle: number;
}

async function measure(municipalities: number): Promise<RunResult> {
  const namespace = `fanout_${randomBytes(3).toString('hex')}`;
  const extras = extraMunicipalities(loadTopology().instances, municipalities);
  const portOffset = randomPortOffset(7000, 40);
  // Only the registers of the local topology run (every legal recipient of these actions is one of them); the router
  // is configured for all, so it would deliver to the others if it chose them.
  const stack = new LocalStack({
    kafkaBrokers: connection.brokers.join(','),
    databaseUrl: databaseServer,
    namespace,
    portOffset,
    instances: () => true,
    alsoRouted: extras,
    // the router creates two topics per configured instance before the others start; the machine is shared
    healthTimeoutMs: 300_000,
    onLine: () => undefined,
  });
  const running = stack.topology.instances;
  const probes: Probe[] = [
    { name: 'router', metricsUrl: `http://127.0.0.1:${stack.topology.router.port + portOffset}/metrics`, pool: poolOf(instanceDatabaseName(ROUTER_APP, ROUTER_INSTANCE_KEY, namespace)) },
    ...running.map((instance) => ({ name: processName(instance), metricsUrl: `${stack.baseUrl(instance)}/metrics`, pool: poolOf(instanceDatabaseName(instance.app.replace('-register', ''), instance.instanceKey, namespace)) })),
  ];
  console.log(`fan-out: ${municipalities} municipalities configured (${extras.length} routed, not started), namespace ${namespace}; starting router and ${running.length} register instances ...`);
  const actions: ActionMeasurement[] = [];
  try {
    await stack.start();
    const osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
    const dresden = AgencyClient.of(stack, 'municipal-register', DRESDEN);
    const act = async (action: string, call: (correlationId: string) => Promise<{ status: number; body: unknown }>): Promise<ActionMeasurement> => {
      const correlationId = randomUUID();
      const before = await decodesOf(probes);
      const answer = await call(correlationId);
      if (answer.status !== 201) throw new Error(`${action}: agency call answered ${answer.status} ${JSON.stringify(answer.body)}`);
      await settled(probes);
      const after = await decodesOf(probes);
      const decodesByType = new Map([...after].map(([eventType, count]) => [eventType, count - (before.get(eventType) ?? 0)] as const).filter(([, count]) => count > 0));
      console.log(`fan-out: ${action} done (${[...decodesByType].map(([type, count]) => `${type} ${count}`).join(', ')} decodes)`);
      return { action, correlationId, decodesByType };
    };
    // Anna lives in Osnabrück first, so that the move has a previous municipality (not measured).
    await act('setup', (id) => osnabrueck.registerResidence({ ...citizen, address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null }, id));
    actions.push(await act('move Osnabrück → Dresden', (id) => dresden.registerResidence({ ...citizen, address: dresdenAddress, movedInOn: today(), previousAddress: osnabrueckAddress }, id)));
    actions.push(
      await act('birth in Osnabrück', (id) =>
        osnabrueck.recordBirth({ familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: today(), placeOfBirth: 'Osnabrück', parentIdnrs: [PARENT_IDNR], residence: osnabrueckAddress }, id),
      ),
    );
    actions.push(await act('death in Dresden', (id) => dresden.recordDeath({ idnr: CITIZEN_IDNR, dateOfDeath: today(), placeOfDeath: 'Dresden' }, id)));

    const routed = [...running, ...extras];
    const outgoing = await recordsOn(routed.map((instance) => outgoingTopicOf(instance.app, instance.instanceKey, namespace)));
    const deliveries = (await recordsOn(routed.map((instance) => deliveryTopicOf(instance.app, instance.instanceKey, namespace)))).map((record) => ({
      ...record,
      recipient: processName(routed.find((instance) => deliveryTopicOf(instance.app, instance.instanceKey, namespace) === record.topic)!),
    }));
    const idle = new Set(extras.map((instance) => processName(instance)));
    const writesByEvent = await inboxWrites(probes, [...new Set(outgoing.map((record) => record.eventId))]);
    return {
      municipalities,
      instancesConfigured: routed.length,
      costs: tallyFanOut(actions, outgoing, deliveries, writesByEvent),
      deliveriesToIdle: deliveries.filter((record) => idle.has(record.recipient)).length,
    };
  } finally {
    await Promise.all(probes.map((probe) => probe.pool.end()));
    await stack.stop();
    await dropNamespaceDatabases(databaseServer, namespace);
    await deleteNamespaceTopics(namespace);
  }
}

/** On a loaded machine a service may need longer than the stack waits for it to start; then the run starts over. */
async function measureWithRetries(municipalities: number, attempts = 3): Promise<RunResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await measure(municipalities);
    } catch (error) {
      if (attempt === attempts) throw error;
      console.log(`fan-out: attempt ${attempt} failed (${(error as Error).message.split('\n')[0]}); starting over`);
    }
  }
}

function poolOf(database: string): Pool {
  return new Pool({ connectionString: databaseUrl(databaseServer, database), max: 1 });
}

/** regsync_events_consumed_total (counted once per decoded record) summed over the running processes, by event type. */
async function decodesOf(probes: readonly Probe[]): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const probe of probes) {
    const samples = parsePrometheusText(await (await fetch(probe.metricsUrl)).text());
    for (const sample of samples.filter((candidate) => candidate.name === 'regsync_events_consumed_total')) {
      totals.set(sample.labels.event_type, (totals.get(sample.labels.event_type) ?? 0) + sample.value);
    }
  }
  return totals;
}

/** Waits until no process consumed, applied or produced anything for QUIET_MS and no outbox holds unpublished rows. */
async function settled(probes: readonly Probe[]): Promise<void> {
  let last = '';
  let quietSince = Date.now();
  await waitUntil(
    'every register applied the action',
    async () => {
      const texts = await Promise.all(probes.map(async (probe) => parsePrometheusText(await (await fetch(probe.metricsUrl)).text())));
      const activity = texts.map((samples) => samples.filter((sample) => /^regsync_events_(consumed|applied|produced)_total$/.test(sample.name)).reduce((sum, sample) => sum + sample.value, 0));
      const backlog = texts.reduce((sum, samples) => sum + samples.filter((sample) => sample.name === 'regsync_outbox_backlog').reduce((total, sample) => total + sample.value, 0), 0);
      const fingerprint = `${activity.join(',')}|${backlog}`;
      if (fingerprint !== last || backlog > 0) {
        last = fingerprint;
        quietSince = Date.now();
        return undefined;
      }
      return Date.now() - quietSince >= QUIET_MS ? true : undefined;
    },
    180_000,
    500,
  );
}

/** Every record on `topics` (read_committed, as the services read them), with its event id, type and correlation id. */
async function recordsOn(topics: readonly string[]): Promise<TopicRecord[]> {
  const kafka = kafkaClient(connection, { clientId: 'regsync-fan-out-bench', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ranges = await resolveLogRange(admin, { topics: [...topics] }).finally(() => admin.disconnect());
  const records: TopicRecord[] = [];
  await readBoundedLog(kafka, ranges, {
    groupPrefix: 'regsync-fan-out-bench',
    onChunk: async ({ topic, messages }) => {
      for (const message of messages) {
        records.push({
          topic,
          eventId: headerText(message.headers?.[KAFKA_HEADERS.eventId]) ?? '?',
          eventType: headerText(message.headers?.[KAFKA_HEADERS.eventType]) ?? '?',
          correlationId: headerText(message.headers?.[KAFKA_HEADERS.correlationId]) ?? '?',
        });
      }
    },
  });
  return records;
}

/** Per event id: how many of the databases recorded it in their inbox (each in the transaction that applied it). */
async function inboxWrites(probes: readonly Probe[], eventIds: string[]): Promise<Map<string, number>> {
  const writes = new Map<string, number>();
  for (const probe of probes) {
    const { rows } = await probe.pool.query<{ event_id: string }>('select event_id::text from regsync_inbox where event_id::text = any($1)', [eventIds]);
    for (const row of rows) writes.set(row.event_id, (writes.get(row.event_id) ?? 0) + 1);
  }
  return writes;
}

async function deleteNamespaceTopics(namespace: string): Promise<void> {
  const admin = kafkaClient(connection, { clientId: 'regsync-fan-out-bench', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

function report(runs: RunResult[], seconds: number): string {
  const cpu = cpus();
  const lines = [
    '# regsync fan-out per event: who reads, decodes and writes',
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}; ${new Date().toISOString()}, ${Math.round(seconds)} s. ` +
      '`npm run bench -- --fan-out` (`bench/fan-out/`).',
    '',
    'The router is configured with every instance (`ROUTED_INSTANCES`: the BZSt, Länder 03 and 14, and 6 or 60 municipalities); the',
    'router and the seven register instances of the local topology run, each a process with its own database. 60 municipal',
    'processes are more than this shared 2-core machine carries: each takes about 165 MB and several CPU seconds to start,',
    'and the seven needed more than 90 s to become healthy at a load average of 35. The other municipalities are configured',
    'but not started: the records on their delivery topics are what they would read.',
    'One citizen action at a time through the agency API, each waited for until no process consumed, applied or published for',
    `${QUIET_MS / 1000} s. Counted per event of the action (the events the registers send in turn share its correlation id):`,
    '',
    '- broker reads: records on the outgoing topics (the router reads each once) and on the delivery topics (each recipient',
    '  reads its own), read back from the broker read_committed;',
    '- decodes: `regsync_events_consumed_total` of every running process (incremented once per decoded record), before → after;',
    '- write transactions: databases whose `regsync_inbox` recorded the event id (one per applying transaction), router included;',
    '  the sender\'s own transaction (register row + outbox) is not counted.',
    '',
    'Before (the broadcast layout, issue 21): every register instance consumed the shared topic in full, decoded every event',
    'and wrote at least its subject version row: reads = decodes = write transactions = instances configured, per event.',
    '',
  ];
  for (const run of runs) {
    lines.push(
      `## ${run.municipalities} municipalities configured (${run.instancesConfigured} register instances)`,
      '',
      '| action | event | events | broker reads: router + recipients | recipients | decodes | write transactions | before: reads = decodes = writes |',
      '|---|---|---:|---:|---|---:|---:|---:|',
      ...run.costs.map(
        (cost) =>
          `| ${cost.action} | ${cost.eventType} | ${cost.events} | ${cost.routerReads} + ${cost.deliveries} = ${cost.routerReads + cost.deliveries} | ${cost.recipients.join(', ') || '–'} | ${cost.decodes} | ${cost.writeTransactions} | ${cost.events * run.instancesConfigured} |`,
      ),
      '',
      `Records on the delivery topics of the ${run.municipalities - 4} municipalities configured but not started: ${run.deliveriesToIdle}.`,
      '',
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const runs: RunResult[] = [];
  for (const municipalities of options.municipalities.split(',').map(Number)) runs.push(await measureWithRetries(municipalities));
  const markdown = report(runs, (Date.now() - started) / 1000);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, markdown);
  console.log(`\n${markdown}\nfan-out: report written to ${options.out}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

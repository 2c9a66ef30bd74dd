// `npm run scale [-- --persons 20000 --concurrency 8 --municipal-providers 4 --pool 2]` (tools/bench.mjs --scale builds and
// checks the infrastructure, then runs this): the Germany-shaped topology of issue 14 on this machine — a few municipal
// provider processes hosting every synthesised municipality, one state provider hosting the 16 Länder, the BZSt and
// the router — loads a population sample placed by population through the agency API, checks by identity that every
// register holds what it must, and reports to bench/results/scale-latest.md. A benchmark, not a test.
import { SingleBar, Presets } from 'cli-progress';
import { Command, Option } from 'commander';
import postalCodes from 'german-postal-codes';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { LocalStack, processName, workspaceRoot } from '@regsync/local-stack/local-stack';
import { localStackTopologyOf, scaleTopology, type ScaleTopology } from '@regsync/local-stack/scale-topology';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaClient } from '@regsync/messaging/broker';
import { databaseUrl, instanceDatabaseName, namespaceDatabasePrefix, dropNamespaceDatabases } from '@regsync/persistence/databases';
import { populationSampler } from '@regsync/register-domain/germany-data';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { INITIAL_LOAD_MAX_BATCH } from '@regsync/apps/municipal-register/src/residents/initial-load.request';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { seededRandom } from '../seeded-random';
import { latencySummary } from '../latency-summary';
import { AppliedWatch, TRANSFER_LOG_ROWS, type AppliedRows } from '../product-path/applied-watch';
import type { CitizenAction } from '../product-path/citizen-workload';
import { ProductPathRun } from '../product-path/product-path-run';
import { regsyncSubmitter } from '../product-path/regsync-agencies';

const options = new Command()
  .addOption(new Option('--persons <n>', 'persons of the population sample, placed by population').default('1000000'))
  .addOption(new Option('--concurrency <n>', 'initial-load batches in flight at once').default('8'))
  .addOption(new Option('--municipal-providers <n>', 'municipal provider processes').default('4'))
  .addOption(new Option('--pool <n>', 'DATABASE_POOL_SIZE of every service (the server has 100 connections, shared)').default('2'))
  .addOption(new Option('--moves <n>', 'moves of the workload after the load (a third each within a Kreis, across Kreise, across Länder)').default('300'))
  .addOption(new Option('--rate <n>', 'workload agency calls started per second (open loop)').default('10'))
  .addOption(new Option('--seed <n>', 'seed of the topology and the sample').default('14'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'scale-latest.md')))
  .parse()
  .opts<{ persons: string; concurrency: string; municipalProviders: string; pool: string; moves: string; rate: string; seed: string; out: string }>();

const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connection = loadKafkaConnection();
const namespace = `scale_${randomBytes(3).toString('hex')}`;
const logFile = join(workspaceRoot(), '.cache', 'scale', `${namespace}.log`);

/** Real Postleitzahlen (the API refuses others); the synthesised municipalities have none of their own. */
const POSTAL_CODES = postalCodes as string[];

interface Person {
  idnr: string;
  ags: string;
  land: string;
  /** The address the load registered, once loaded; a move names it as the previous address. */
  address?: Record<string, string>;
  /** Where the workload moved the person, if it did. */
  movedTo?: string;
}

interface ProcessSample {
  name: string;
  authorities: number;
  rssMiB: number;
}

async function main(): Promise<void> {
  const persons = Number(options.persons);
  const seed = Number(options.seed);
  const scale = scaleTopology({ municipalProviders: Number(options.municipalProviders), seed });
  const topology = localStackTopologyOf(scale);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const stack = new LocalStack({
    kafkaBrokers: connection.brokers.join(','),
    databaseUrl: databaseServer,
    namespace,
    topology,
    databasePoolSize: Number(options.pool),
    // The services of the same build as this bench (dist/, or the --dist of tools/bench.mjs).
    distDir: relative(workspaceRoot(), join(__dirname, '..', '..')),
    healthTimeoutMs: 900_000,
    onLine: (name, line) => log.write(`${name}: ${line}\n`),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= tearDown(stack));
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  const municipalities = scale.providers.filter((provider) => provider.app === 'municipal-register').reduce((sum, provider) => sum + provider.authorities.length, 0);
  console.log(`scale: namespace ${namespace}, ${municipalities.toLocaleString('en')} municipalities on ${options.municipalProviders} municipal providers, 16 Länder on one state provider, the BZSt, the router; logs in ${logFile}`);
  try {
    const startedAt = Date.now();
    await stack.start();
    const startSeconds = (Date.now() - startedAt) / 1000;
    console.log(`scale: ${stack.processCount} processes healthy in ${startSeconds.toFixed(0)} s`);
    const idle = await sampleProcesses(stack, scale);
    const load = await loadPopulation(stack, scale, persons, Number(options.concurrency), seed);
    // A failed workload still leaves the load's numbers and the end check worth reporting.
    const workload = await runWorkload(stack, scale, load.persons, Number(options.moves), Number(options.rate), seed).catch((error: Error) => {
      console.log(`scale: the workload failed: ${error.message}`);
      load.persons.forEach((person) => delete person.movedTo);
      return { failed: error.message.split('\n')[0] };
    });
    const after = await sampleProcesses(stack, scale);
    const connections = await connectionsByApplication();
    const broker = await brokerFootprint();
    const drift = await identityCheck(scale, load.persons);
    writeReport({ scale, municipalities, startSeconds, idle, after, connections, broker, load, workload, drift });
    console.log(`scale: report in ${options.out}`);
  } finally {
    await stop();
    log.end();
  }
}

/** Stops every process the run started, then drops its databases and topics. */
async function tearDown(stack: LocalStack): Promise<void> {
  console.log('scale: stopping the stack, dropping its databases and topics ...');
  await closePools();
  await stack.stop();
  await dropNamespaceDatabases(databaseServer, namespace);
  const admin = kafkaClient(connection, { clientId: 'regsync-scale', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((group) => group.startsWith(`${namespace}.`));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Resident set size of each running process (from /proc), with the authorities it hosts. */
async function sampleProcesses(stack: LocalStack, scale: ScaleTopology): Promise<ProcessSample[]> {
  const hostedBy = new Map(scale.providers.map((provider) => [processName({ app: provider.app, instanceKey: provider.app === 'federal-register' ? 'DE' : provider.id }), provider.authorities.length]));
  return stack.runningProcesses.map(({ name, pid }) => {
    const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { name, authorities: hostedBy.get(name) ?? 0, rssMiB: rssKiB / 1024 };
  });
}

/**
 * `persons` persons placed by population, loaded as the municipalities' initial loads (POST /residences/initial-load,
 * batches of up to INITIAL_LOAD_MAX_BATCH persons of one municipality), `concurrency` batches in flight; done when the
 * Länder and the BZSt hold every one.
 */
async function loadPopulation(stack: LocalStack, scale: ScaleTopology, persons: number, concurrency: number, seed: number) {
  const municipalities = scale.providers.filter((provider) => provider.app === 'municipal-register').flatMap((provider) => provider.authorities);
  const sample = populationSampler(
    municipalities.map((authority) => ({ ags: authority.instanceKey, name: authority.name, kreisKey: authority.instanceKey.slice(0, 5), landCode: authority.instanceKey.slice(0, 2) as never, population: authority.population })),
    seed,
  );
  const random = seededRandom(seed);
  const byMunicipality = new Map<string, { name: string; persons: Person[] }>();
  const idnrs = new Set<string>();
  while (idnrs.size < persons) {
    const municipality = sample();
    const idnr = generateIdnr(random);
    if (idnrs.has(idnr)) continue;
    idnrs.add(idnr);
    const held = byMunicipality.get(municipality.ags) ?? byMunicipality.set(municipality.ags, { name: municipality.name, persons: [] }).get(municipality.ags)!;
    held.persons.push({ idnr, ags: municipality.ags, land: municipality.ags.slice(0, 2) });
  }
  const batches = [...byMunicipality.values()].flatMap(({ name, persons: here }) =>
    Array.from({ length: Math.ceil(here.length / INITIAL_LOAD_MAX_BATCH) }, (_, index) => ({ name, persons: here.slice(index * INITIAL_LOAD_MAX_BATCH, (index + 1) * INITIAL_LOAD_MAX_BATCH) })),
  );
  const loaded: Person[] = [];
  const refused: string[] = [];
  const bar = new SingleBar({ format: 'load [{bar}] {value}/{total} persons answered | {rate}/s | eta {eta}s', etaBuffer: 50 }, Presets.shades_classic);
  const started = Date.now();
  bar.start(persons, 0, { rate: 0 });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let batch = batches[next++]; batch; batch = batches[next++]) {
        const residents = batch.persons.map((person) => residenceOf(person, batch.name, random));
        batch.persons.forEach((person, index) => (person.address = residents[index].address));
        const answer = await AgencyClient.of(stack, 'municipal-register', batch.persons[0].ags).loadInitially({ residents });
        if (answer.status === 201) loaded.push(...batch.persons);
        else refused.push(`${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
        const answered = loaded.length + (refused.length > 0 ? persons - loaded.length : 0);
        bar.update(Math.min(answered, persons), { rate: Math.round((loaded.length * 1000) / (Date.now() - started)) });
      }
    }),
  );
  bar.stop();
  const answeredSeconds = (Date.now() - started) / 1000;
  if (refused.length > 0) console.log(`scale: ${refused.length} batches refused, e.g. ${refused[0]}`);
  console.log(`scale: ${loaded.length} persons registered in their municipalities in ${answeredSeconds.toFixed(0)} s; waiting until the Länder and the BZSt hold every one ...`);
  const federalDatabase = instanceDatabaseName('federal', 'DE', namespace);
  const progress = new SingleBar({ format: 'apply [{bar}] {value}/{total} in the Land and the BZSt (the slower of both) | eta {eta}s', etaBuffer: 50 }, Presets.shades_classic);
  progress.start(loaded.length, 0);
  await waitUntil(
    'every loaded person in their Land and the BZSt',
    async () => {
      const applied = Math.min(await countRows(federalDatabase, 'select count(*)::int as n from idnr_base_data'), await countRows(stateDatabase(scale), 'select count(*)::int as n from state_residents'));
      progress.update(applied);
      return applied >= loaded.length ? true : undefined;
    },
    Math.max(600_000, persons * 50),
    1_000,
  );
  progress.stop();
  const appliedSeconds = (Date.now() - started) / 1000;
  return { persons: loaded, refused: refused.length, batches: batches.length, answeredSeconds, appliedSeconds, concurrency };
}

/** A person of the sample as the municipality's existing register holds them. */
function residenceOf(person: Person, city: string, random: (maxExclusive: number) => number) {
  return {
    idnr: person.idnr,
    familyName: FAMILY_NAMES[random(FAMILY_NAMES.length)],
    givenNames: GIVEN_NAMES[random(GIVEN_NAMES.length)],
    sex: random(2) === 0 ? 'FEMALE' : 'MALE',
    dateOfBirth: `${1930 + random(70)}-${String(1 + random(12)).padStart(2, '0')}-${String(1 + random(28)).padStart(2, '0')}`,
    address: { street: STREETS[random(STREETS.length)], houseNumber: String(1 + random(200)), postalCode: POSTAL_CODES[random(POSTAL_CODES.length)], city, municipalityKey: person.ags },
    movedInOn: `${2000 + random(25)}-${String(1 + random(12)).padStart(2, '0')}-01`,
    previousAddress: null,
  };
}

const FAMILY_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Çelik', 'Nowak'];
const GIVEN_NAMES = ['Anna', 'Lukas', 'Mia', 'Leon', 'Emma', 'Paul', 'Sophie', 'Jonas', 'Zoë', 'Noah', 'José', 'Renée'];
const STREETS = ['Hauptstraße', 'Schulstraße', 'Gartenstraße', 'Bahnhofstraße', 'Dorfstraße', 'Bergstraße', 'Lindenstraße', 'Kirchweg'];

type MoveKind = 'within a Kreis' | 'across Kreise' | 'across Länder';

/**
 * The workload after the load: `count` loaded persons each move once — a third within their Kreis, a third to another
 * Kreis of their Land, a third to another Land — as Anmeldungen at the new municipality (the old one learns it by its
 * Rückmeldung), started at `rate` per second whatever the answers take; each timed from the agency call to applied in
 * the last register it reaches (its transfer-log rows, found by correlation id).
 */
async function runWorkload(stack: LocalStack, scale: ScaleTopology, persons: Person[], count: number, rate: number, seed: number) {
  const random = seededRandom(seed + 1);
  const municipalities = scale.providers.filter((provider) => provider.app === 'municipal-register').flatMap((provider) => provider.authorities);
  const destinations: Record<MoveKind, (from: string) => (typeof municipalities)[number][]> = {
    'within a Kreis': (from) => municipalities.filter((m) => m.instanceKey !== from && m.instanceKey.slice(0, 5) === from.slice(0, 5)),
    'across Kreise': (from) => municipalities.filter((m) => m.instanceKey.slice(0, 2) === from.slice(0, 2) && m.instanceKey.slice(0, 5) !== from.slice(0, 5)),
    'across Länder': (from) => municipalities.filter((m) => m.instanceKey.slice(0, 2) !== from.slice(0, 2)),
  };
  const kinds = Object.keys(destinations) as MoveKind[];
  const prefix = `scale-move-${randomBytes(3).toString('hex')}-`;
  const kindOf = new Map<string, MoveKind>();
  const actions: CitizenAction[] = [];
  const movers = [...persons];
  for (let index = 0; actions.length < count && movers.length > 0; index++) {
    const person = movers.splice(random(movers.length), 1)[0];
    const kind = kinds[index % kinds.length];
    const candidates = destinations[kind](person.ags);
    if (candidates.length === 0) continue;
    const to = candidates[random(candidates.length)];
    const correlationId = `${prefix}${actions.length}`;
    person.movedTo = to.instanceKey;
    kindOf.set(correlationId, kind);
    const address = { street: STREETS[random(STREETS.length)], houseNumber: String(1 + random(200)), postalCode: POSTAL_CODES[random(POSTAL_CODES.length)], city: to.name, municipalityKey: to.instanceKey };
    actions.push({
      kind: kind === 'across Länder' ? 'move across Länder' : 'move within a Land',
      municipalityKey: to.instanceKey,
      correlationId,
      body: { ...residenceOf(person, to.name, random), address, movedInOn: today(), previousAddress: person.address },
    });
  }
  const databases = [...scale.providers.map((provider) => instanceDatabaseName(provider.app.replace('-register', ''), provider.app === 'federal-register' ? 'DE' : provider.id, namespace))];
  const watch = new AppliedWatch(databaseServer, databases, HOSTED_TRANSFER_LOG_ROWS);
  try {
    const run = new ProductPathRun(regsyncSubmitter(stack), watch);
    const samples = [actions.find((action) => action.kind === 'move within a Land')!, actions.find((action) => action.kind === 'move across Länder')!];
    console.log(`scale: workload of ${actions.length} moves at ${rate}/s; learning what one move of each kind causes ...`);
    const expected = await run.learnExpectedTransfers(samples, prefix);
    const rest = actions.filter((action) => !samples.includes(action));
    const bar = new SingleBar({ format: 'moves [{bar}] {value}/{total} started', etaBuffer: 50 }, Presets.shades_classic);
    bar.start(rest.length, 0);
    const started = Date.now();
    const ticker = setInterval(() => bar.update(Math.min(rest.length, Math.floor(((Date.now() - started) / 1000) * rate))), 500);
    const phase = await run.fixedRate(rest, rate, expected, prefix).finally(() => {
      clearInterval(ticker);
      bar.stop();
    });
    const byKind = kinds.map((kind) => ({ kind, count: phase.outcomes.filter((outcome) => kindOf.get(outcome.action.correlationId) === kind).length }));
    return { rate, expected, phase, byKind, latency: latencySummary(phase.outcomes.flatMap((outcome) => (outcome.endToEndMs === undefined ? [] : [outcome.endToEndMs]))) };
  } finally {
    await watch.close();
  }
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * A provider's database holds the transfer logs of all its authorities: one event delivered to two Länder of the state
 * provider is two transfers, one per recipient instance, not one applied twice.
 */
const HOSTED_TRANSFER_LOG_ROWS: AppliedRows = {
  applied: TRANSFER_LOG_ROWS.applied,
  duplicates: `select count(*)::int as duplicates from (
                 select 1 from transfer_log where correlation_id like $1
                 group by event_id, recipient_instance, recipient_register having count(*) > 1) twice`,
};

function stateDatabase(scale: ScaleTopology): string {
  return instanceDatabaseName('state', scale.providers.find((provider) => provider.app === 'state-register')!.id, namespace);
}

/** One connection per database the bench reads, kept for the run (the server's 100 connections are shared). */
const pools = new Map<string, Pool>();
const TOO_MANY_CLIENTS = '53300';

/** `work` on the bench's connection to `name`; while the shared server has no connection to spare, again a second later. */
async function withDatabase<T>(name: string, work: (client: Pool) => Promise<T>): Promise<T> {
  const pool = pools.get(name) ?? pools.set(name, new Pool({ connectionString: databaseUrl(databaseServer, name), application_name: 'regsync-scale-bench', max: 1 })).get(name)!;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(pool);
    } catch (error) {
      if ((error as { code?: string }).code !== TOO_MANY_CLIENTS || attempt === 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }
}

async function closePools(): Promise<void> {
  await Promise.all([...pools.values()].map((pool) => pool.end()));
  pools.clear();
}

function countRows(database: string, sql: string): Promise<number> {
  return withDatabase(database, async (client) => (await client.query<{ n: number }>(sql)).rows[0].n);
}

/** PostgreSQL connections of this run, by application name (each process's pool and relay listener). */
async function connectionsByApplication(): Promise<{ application: string; connections: number }[]> {
  return withDatabase('postgres', async (client) => {
    const { rows } = await client.query<{ application: string; connections: number }>(
      `select application_name as application, count(*)::int as connections from pg_stat_activity where datname like $1 group by 1 order by 1`,
      [`${namespaceDatabasePrefix(namespace)}%`],
    );
    return rows;
  });
}

/** Topics, partitions and consumer groups of this run on the broker. */
async function brokerFootprint(): Promise<{ topics: number; partitions: number; groups: string[] }> {
  const admin = kafkaClient(connection, { clientId: 'regsync-scale', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    const metadata = await admin.fetchTopicMetadata({ topics });
    const partitions = metadata.topics.reduce((sum, topic) => sum + topic.partitions.length, 0);
    const groups = (await admin.listGroups()).groups.map((group) => group.groupId).filter((group) => group.startsWith(`${namespace}.`) && !group.includes('.keys.'));
    return { topics: topics.length, partitions, groups };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every register holds exactly the state the load and the workload imply, by identity: each municipality its residents
 * (RESIDENT) and those who moved away (MOVED_OUT), each Land its residents and those who left it (MOVED_AWAY), the
 * BZSt every IdNr at its current municipality — missing, unexpected and doubled rows counted apart.
 */
async function identityCheck(scale: ScaleTopology, persons: readonly Person[]) {
  const rowsOf = (database: string, sql: string) => withDatabase(database, async (client) => (await client.query<{ key: string }>(sql)).rows);
  const municipal = (
    await Promise.all(
      scale.providers
        .filter((provider) => provider.app === 'municipal-register')
        .map((provider) => rowsOf(instanceDatabaseName('municipal', provider.id, namespace), `select authority_key || '/' || idnr || '/' || status as key from residents`)),
    )
  ).flat();
  const state = await rowsOf(stateDatabase(scale), `select authority_key || '/' || idnr || '/' || status as key from state_residents`);
  const federal = await rowsOf(instanceDatabaseName('federal', 'DE', namespace), `select idnr || '/' || (address->>'municipalityKey') as key from idnr_base_data`);
  const compare = (register: string, held: { key: string }[], expected: string[]) => {
    const want = new Set(expected);
    const seen = new Map<string, number>();
    for (const { key } of held) seen.set(key, (seen.get(key) ?? 0) + 1);
    return {
      register,
      expected: want.size,
      held: held.length,
      missing: [...want].filter((key) => !seen.has(key)).length,
      unexpected: [...seen.keys()].filter((key) => !want.has(key)).length,
      doubled: [...seen.values()].filter((count) => count > 1).length,
    };
  };
  const now = (person: Person) => person.movedTo ?? person.ags;
  return [
    compare('Melderegister (every municipality)', municipal, persons.flatMap((person) => [`${now(person)}/${person.idnr}/RESIDENT`, ...(person.movedTo ? [`${person.ags}/${person.idnr}/MOVED_OUT`] : [])])),
    compare(
      'Landesmelderegister (16 Länder)',
      state,
      persons.flatMap((person) => [`${now(person).slice(0, 2)}/${person.idnr}/RESIDENT`, ...(now(person).slice(0, 2) !== person.land ? [`${person.land}/${person.idnr}/MOVED_AWAY`] : [])]),
    ),
    compare('BZSt IdNr-Basisdaten', federal, persons.map((person) => `${person.idnr}/${now(person)}`)),
  ];
}

function writeReport(run: {
  scale: ScaleTopology;
  municipalities: number;
  startSeconds: number;
  idle: ProcessSample[];
  after: ProcessSample[];
  connections: { application: string; connections: number }[];
  broker: { topics: number; partitions: number; groups: string[] };
  load: Awaited<ReturnType<typeof loadPopulation>>;
  workload: Awaited<ReturnType<typeof runWorkload>> | { failed: string };
  drift: Awaited<ReturnType<typeof identityCheck>>;
}): void {
  const municipalRss = (samples: ProcessSample[]) => samples.filter((sample) => sample.name.startsWith('municipal ')).reduce((sum, sample) => sum + sample.rssMiB, 0);
  const rssRows = run.after.map((sample) => {
    const idle = run.idle.find((candidate) => candidate.name === sample.name);
    return `| ${sample.name} | ${sample.authorities.toLocaleString('en')} | ${idle ? idle.rssMiB.toFixed(0) : '–'} | ${sample.rssMiB.toFixed(0)} |`;
  });
  const drift = run.drift.reduce((sum, row) => sum + row.missing + row.unexpected + row.doubled, 0);
  const lines = [
    '# Scale run: the Germany-shaped topology on one machine (issue 14)',
    '',
    `Command: \`npm run scale -- --persons ${options.persons} --concurrency ${options.concurrency} --municipal-providers ${options.municipalProviders} --pool ${options.pool}\` — ${new Date().toISOString()}, ${cpus().length} cores, load average at the end ${loadavg().map((value) => value.toFixed(1)).join(' / ')}.`,
    `Kreis data: ${run.scale.attribution}`,
    '',
    '## Topology',
    `- ${run.municipalities.toLocaleString('en')} municipalities on ${options.municipalProviders} municipal provider processes, the 16 Länder on one state provider, the BZSt, the router, the schema registry: ${run.after.length} processes, healthy ${run.startSeconds.toFixed(0)} s after start.`,
    `- Broker: ${run.broker.topics} topics, ${run.broker.partitions} partitions, ${run.broker.groups.length} consumer groups (${run.broker.groups.map((group) => group.slice(namespace.length + 1)).join(', ')}).`,
    '',
    '## Memory (RSS, MiB, from /proc)',
    '| process | authorities | after start | after the load |',
    '|---|---:|---:|---:|',
    ...rssRows,
    `| **municipal processes together** | ${run.municipalities.toLocaleString('en')} | ${municipalRss(run.idle).toFixed(0)} | ${municipalRss(run.after).toFixed(0)} |`,
    '',
    `One more municipality (from the spread between the municipal providers right after start, a least-squares slope of RSS over hosted municipalities, not by restarting one with one more): **${(perAuthorityKiB(run.idle.filter((sample) => sample.name.startsWith('municipal '))) ?? NaN).toFixed(1)} KiB** of memory; one database role (a pg_authid row and two pg_auth_members rows) and its rows; no process, connection, topic, partition or consumer group (those are per provider, above and below).`,
    '',
    '## PostgreSQL connections of the run (pg_stat_activity, by application)',
    '| application | connections |',
    '|---|---:|',
    ...run.connections.map((row) => `| ${row.application || '(none)'} | ${row.connections} |`),
    `| **together** | ${run.connections.reduce((sum, row) => sum + row.connections, 0)} |`,
    '',
    '## Initial load (POST /residences/initial-load of each municipality, persons placed by population)',
    `- ${run.load.persons.length.toLocaleString('en')} persons loaded in ${run.load.batches.toLocaleString('en')} batches (${run.load.refused} batches refused), ${run.load.concurrency} batches in flight: all registered in their municipalities after ${run.load.answeredSeconds.toFixed(0)} s, in every register that must hold them (municipality, Land, BZSt) after ${run.load.appliedSeconds.toFixed(0)} s: **${(run.load.persons.length / run.load.appliedSeconds).toFixed(0)} persons/s** to every register.`,
    '',
    '## Workload (moves through the agency API, open loop)',
    ...('failed' in run.workload ? [`- failed: ${run.workload.failed}`] : workloadLines(run.workload)),
    '',
    `## End check by identity (drift ${drift})`,
    '| register | expected | rows | missing | unexpected | doubled |',
    '|---|---:|---:|---:|---:|---:|',
    ...run.drift.map((row) => `| ${row.register} | ${row.expected} | ${row.held} | ${row.missing} | ${row.unexpected} | ${row.doubled} |`),
    '',
  ];
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, lines.join('\n'));
}

/** RSS per hosted authority: the least-squares slope of RSS (KiB) over authorities across the providers. */
function perAuthorityKiB(samples: readonly ProcessSample[]): number | undefined {
  if (samples.length < 2) return undefined;
  const meanX = samples.reduce((sum, sample) => sum + sample.authorities, 0) / samples.length;
  const meanY = samples.reduce((sum, sample) => sum + sample.rssMiB * 1024, 0) / samples.length;
  const covariance = samples.reduce((sum, sample) => sum + (sample.authorities - meanX) * (sample.rssMiB * 1024 - meanY), 0);
  const variance = samples.reduce((sum, sample) => sum + (sample.authorities - meanX) ** 2, 0);
  return variance === 0 ? undefined : covariance / variance;
}

function workloadLines(workload: Awaited<ReturnType<typeof runWorkload>>): string[] {
  return [
    `- ${workload.phase.outcomes.length} moves started at ${workload.rate}/s (${workload.byKind.map((row) => `${row.count} ${row.kind}`).join(', ')}; two more before them, one of each recipient pattern, to learn what a move causes: ${Object.entries(workload.expected).map(([kind, transfers]) => `${kind} ${transfers} transfers`).join(', ')}).`,
    `- **${workload.phase.actionsPerSecond.toFixed(1)} moves/s** applied everywhere; agency call → applied in the last recipient: ${workload.latency ? `p50 ${workload.latency.p50} ms, p95 ${workload.latency.p95} ms, p99 ${workload.latency.p99} ms, max ${workload.latency.max} ms` : 'none applied'}; lost ${workload.phase.lost}, applied twice ${workload.phase.duplicated}, refused ${workload.phase.refused}.`,
  ];
}

main().catch((error: Error) => {
  console.error(`scale: ${error.stack ?? error.message}`);
  process.exit(1);
});

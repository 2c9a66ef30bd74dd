// `npm run scale [-- --persons 20000 --actions 400 --rate 5 --municipal-providers 4 --pool 2]` (tools/bench.mjs --scale
// builds and checks the infrastructure, then runs this): the Germany-shaped topology of issue 14 on this machine — a few
// municipal provider processes hosting every synthesised municipality, one state provider hosting the 16 Länder, the
// BZSt and the router — loads a population sample placed by population through the agency API, runs a mixed workload
// (moves, births, name changes, deaths, parcel changes), adds one municipality to a running provider, checks by identity
// that every register holds what it must, and reports to bench/results/scale-latest.md. A benchmark, not a test.
import { SingleBar, Presets } from 'cli-progress';
import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { LocalStack, freePortOffset, processName, workspaceRoot } from '@regsync/local-stack/local-stack';
import { localStackTopologyOf, scaleTopology, type ScaleTopology } from '@regsync/local-stack/scale-topology';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaClient } from '@regsync/messaging/broker';
import { databaseUrl, instanceDatabaseName, namespaceDatabasePrefix, dropNamespaceDatabases } from '@regsync/persistence/databases';
import { authorityRoleOf } from '@regsync/persistence/authority-scope';
import { populationSampler } from '@regsync/register-domain/germany-data';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { INITIAL_LOAD_MAX_BATCH } from '@regsync/apps/municipal-register/src/residents/initial-load.request';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { seededRandom } from '../seeded-random';
import { latencySummary } from '../latency-summary';
import { AppliedWatch, TRANSFER_LOG_ROWS, type AppliedRows } from '../product-path/applied-watch';
import { ProductPathRun } from '../product-path/product-path-run';
import { regsyncSubmitter } from '../product-path/regsync-agencies';
import { expectedRegisters, loadedResident, parseMix, planMixedWorkload, type Birth, type Parcel, type Person, type WorkloadPlan } from './mixed-workload';

const options = new Command()
  .addOption(new Option('--persons <n>', 'persons of the population sample, placed by population').default('1000000'))
  .addOption(new Option('--concurrency <n>', 'initial-load batches in flight at once').default('8'))
  .addOption(new Option('--municipal-providers <n>', 'municipal provider processes').default('4'))
  .addOption(new Option('--pool <n>', 'DATABASE_POOL_SIZE of every service (the server has 100 connections, shared)').default('2'))
  .addOption(new Option('--actions <n>', 'citizen actions of the mixed workload after the load').default('300'))
  .addOption(new Option('--mix <shares>', 'shares of the workload by kind (moves a third each within a Kreis, across Kreise, across Länder)').default('moves:50,births:10,name-changes:15,deaths:10,parcel-changes:15'))
  .addOption(new Option('--rate <n>', 'workload agency calls started per second (open loop)').default('5'))
  .addOption(new Option('--seed <n>', 'seed of the topology and the sample').default('14'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'scale-latest.md')))
  .parse()
  .opts<{ persons: string; concurrency: string; municipalProviders: string; pool: string; actions: string; mix: string; rate: string; seed: string; out: string }>();

const databaseServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connection = loadKafkaConnection();
const namespace = `scale_${randomBytes(3).toString('hex')}`;
const logFile = join(workspaceRoot(), '.cache', 'scale', `${namespace}.log`);
/** Offsets tried for the run's ports (providers from 4000, services at 4090–4092), past the test stacks' 1000–1190. */
const PORT_OFFSETS = Array.from({ length: 20 }, (_, k) => 600 + 100 * k);

interface ProcessSample {
  name: string;
  authorities: number;
  rssMiB: number;
}

async function main(): Promise<void> {
  const persons = Number(options.persons);
  const seed = Number(options.seed);
  const mix = parseMix(options.mix);
  const scale = scaleTopology({ municipalProviders: Number(options.municipalProviders), seed });
  const topology = localStackTopologyOf(scale);
  const portOffset = await freePortOffset(topology, PORT_OFFSETS);
  mkdirSync(dirname(logFile), { recursive: true });
  const log = createWriteStream(logFile);
  const stack = new LocalStack({
    kafkaBrokers: connection.brokers.join(','),
    databaseUrl: databaseServer,
    namespace,
    topology,
    portOffset,
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
  console.log(`scale: namespace ${namespace}, ${municipalities.toLocaleString('en')} municipalities on ${options.municipalProviders} municipal providers, 16 Länder on one state provider, the BZSt, the router (ports shifted by ${portOffset}); logs in ${logFile}`);
  try {
    const startedAt = Date.now();
    await stack.start();
    const startSeconds = (Date.now() - startedAt) / 1000;
    console.log(`scale: ${stack.processCount} processes healthy in ${startSeconds.toFixed(0)} s`);
    const idle = sampleProcesses(stack);
    const load = await loadPopulation(stack, scale, persons, Number(options.concurrency), seed);
    const plan = planMixedWorkload({ municipalities: municipalitiesOf(scale), persons: load.persons, count: Number(options.actions), mix, random: seededRandom(seed + 1), prefix: `scale-${randomBytes(3).toString('hex')}-`, today: today() });
    // A failed workload still leaves the load's numbers and the end check worth reporting.
    const workload = await runWorkload(stack, scale, plan, Number(options.rate)).catch((error: Error) => {
      console.log(`scale: the workload failed: ${error.message}`);
      return { failed: error.message.split('\n')[0] };
    });
    const after = sampleProcesses(stack);
    const connections = await connectionsByApplication();
    const broker = await brokerFootprint();
    const drift = await identityCheck(scale, load.persons, plan);
    const oneMore = await addOneMunicipality(stack, scale, { processes: after, connections, broker }).catch((error: Error) => {
      console.log(`scale: adding one municipality failed: ${error.message}`);
      return { failed: error.message.split('\n')[0] };
    });
    writeReport({ scale, municipalities, startSeconds, idle, after, connections, broker, load, workload, drift, oneMore });
    console.log(`scale: report in ${options.out}`);
  } finally {
    await stop();
    log.end();
  }
}

function municipalitiesOf(scale: ScaleTopology) {
  return scale.providers.filter((provider) => provider.app === 'municipal-register').flatMap((provider) => provider.authorities);
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

/** Resident set size of each running process (from /proc), with the authorities it hosts now. */
function sampleProcesses(stack: LocalStack): ProcessSample[] {
  const hostedBy = new Map<string, number>([[processName({ app: 'federal-register', instanceKey: 'DE' }), 1], ...(stack.topology.providers ?? []).map((provider) => [processName({ app: provider.app, instanceKey: provider.id }), provider.authorities.length] as const)]);
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
  const sample = populationSampler(
    municipalitiesOf(scale).map((authority) => ({ ags: authority.instanceKey, name: authority.name, kreisKey: authority.instanceKey.slice(0, 5), landCode: authority.instanceKey.slice(0, 2) as never, population: authority.population })),
    seed,
  );
  const random = seededRandom(seed);
  const byMunicipality = new Map<string, Person[]>();
  const idnrs = new Set<string>();
  while (idnrs.size < persons) {
    const municipality = sample();
    const idnr = generateIdnr(random);
    if (idnrs.has(idnr)) continue;
    idnrs.add(idnr);
    const held = byMunicipality.get(municipality.ags) ?? byMunicipality.set(municipality.ags, []).get(municipality.ags)!;
    held.push({ idnr, ags: municipality.ags, loaded: loadedResident(idnr, { instanceKey: municipality.ags, name: municipality.name }, random) });
  }
  const batches = [...byMunicipality.values()].flatMap((here) => Array.from({ length: Math.ceil(here.length / INITIAL_LOAD_MAX_BATCH) }, (_, index) => here.slice(index * INITIAL_LOAD_MAX_BATCH, (index + 1) * INITIAL_LOAD_MAX_BATCH)));
  const loaded: Person[] = [];
  const refused: string[] = [];
  const bar = new SingleBar({ format: 'load [{bar}] {value}/{total} persons answered | {rate}/s | eta {eta}s', etaBuffer: 50 }, Presets.shades_classic);
  const started = Date.now();
  bar.start(persons, 0, { rate: 0 });
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let batch = batches[next++]; batch; batch = batches[next++]) {
        const answer = await AgencyClient.of(stack, 'municipal-register', batch[0].ags).loadInitially({ residents: batch.map((person) => person.loaded) });
        if (answer.status === 201) loaded.push(...batch);
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
  const progress = new SingleBar({ format: 'apply [{bar}] {value}/{total} in the Land and the BZSt (the slower of both) | eta {eta}s', etaBuffer: 50 }, Presets.shades_classic);
  progress.start(loaded.length, 0);
  await waitUntil(
    'every loaded person in their Land and the BZSt',
    async () => {
      const applied = Math.min(await countRows(federalDatabase(), 'select count(*)::int as n from idnr_base_data'), await countRows(stateDatabase(scale), 'select count(*)::int as n from state_residents'));
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

/**
 * The mixed workload after the load: first each cadastre's parcels the workload will change (recorded, not timed),
 * then the actions started at `rate` per second whatever the answers take; each timed from the agency call to
 * applied in the last register it reaches (its transfer-log rows, found by correlation id).
 */
async function runWorkload(stack: LocalStack, scale: ScaleTopology, plan: WorkloadPlan, rate: number) {
  await recordParcels(stack, plan.parcelsBefore);
  const prefix = plan.correlationPrefix;
  const watch = new AppliedWatch(databaseServer, registerDatabases(scale), HOSTED_TRANSFER_LOG_ROWS);
  const birthRegistrationIds = (action: { correlationId: string }, answer: { body: Record<string, unknown> }) => {
    const birth = plan.births.get(action.correlationId);
    if (birth) birth.birthRegistrationId = answer.body.birthRegistrationId as string | undefined;
  };
  try {
    const run = new ProductPathRun(regsyncSubmitter(stack, birthRegistrationIds), watch);
    const samples = [...new Set(plan.actions.map((action) => action.kind))].map((kind) => plan.actions.find((action) => action.kind === kind)!);
    console.log(`scale: workload of ${plan.actions.length} actions at ${rate}/s; learning what one action of each kind causes (${samples.map((action) => action.kind).join(', ')}) ...`);
    const expected = await run.learnExpectedTransfers(samples, prefix);
    const rest = plan.actions.filter((action) => !samples.includes(action));
    const bar = new SingleBar({ format: 'actions [{bar}] {value}/{total} started', etaBuffer: 50 }, Presets.shades_classic);
    bar.start(rest.length, 0);
    const started = Date.now();
    const ticker = setInterval(() => bar.update(Math.min(rest.length, Math.floor(((Date.now() - started) / 1000) * rate))), 500);
    const phase = await run.fixedRate(rest, rate, expected, prefix).finally(() => {
      clearInterval(ticker);
      bar.stop();
    });
    const kindOf = (action: (typeof rest)[number]): string => (plan.moveKinds.has(action.correlationId) ? `move ${plan.moveKinds.get(action.correlationId)!}` : action.kind);
    const kinds = [...new Set(phase.outcomes.map((outcome) => kindOf(outcome.action)))].sort();
    const byKind = kinds.map((kind) => {
      const outcomes = phase.outcomes.filter((outcome) => kindOf(outcome.action) === kind);
      return { kind, count: outcomes.length, latency: latencySummary(outcomes.flatMap((outcome) => (outcome.endToEndMs === undefined ? [] : [outcome.endToEndMs]))) };
    });
    return { rate, expected, phase, byKind, latency: latencySummary(phase.outcomes.flatMap((outcome) => (outcome.endToEndMs === undefined ? [] : [outcome.endToEndMs]))) };
  } finally {
    await watch.close();
  }
}

/** Records the parcels at their Länder's cadastres (four calls in flight), as the stock the workload's changes find. */
async function recordParcels(stack: LocalStack, parcels: readonly Parcel[]): Promise<void> {
  const queue = [...parcels];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let parcel = queue.shift(); parcel; parcel = queue.shift()) {
        const answer = await AgencyClient.of(stack, 'state-register', parcel.municipalityKey.slice(0, 2)).recordParcel(parcel);
        if (answer.status !== 201) throw new Error(`recording parcel ${parcel.parcelId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      }
    }),
  );
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * A provider's database holds the transfer logs of all its authorities: one event delivered to two Länder of the state
 * provider is two transfers, one per recipient instance, not one applied twice; a parcel change with two owners is two
 * transfers too, one per owner's IdNr.
 */
const HOSTED_TRANSFER_LOG_ROWS: AppliedRows = {
  applied: TRANSFER_LOG_ROWS.applied,
  duplicates: `select count(*)::int as duplicates from (
                 select 1 from transfer_log where correlation_id like $1
                 group by event_id, recipient_instance, recipient_register, idnr having count(*) > 1) twice`,
};

function stateDatabase(scale: ScaleTopology): string {
  return instanceDatabaseName('state', scale.providers.find((provider) => provider.app === 'state-register')!.id, namespace);
}

function federalDatabase(): string {
  return instanceDatabaseName('federal', 'DE', namespace);
}

function municipalDatabases(scale: ScaleTopology): string[] {
  return scale.providers.filter((provider) => provider.app === 'municipal-register').map((provider) => instanceDatabaseName('municipal', provider.id, namespace));
}

function registerDatabases(scale: ScaleTopology): string[] {
  return [...municipalDatabases(scale), stateDatabase(scale), federalDatabase()];
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

type RegisterCheck = { register: string; expected: number; held: number; missing: number; unexpected: number; doubled: number };

/**
 * Every register holds exactly the state the load and the workload imply, by identity (expectedRegisters): who is
 * where with which name, who is dead, which parcel has which owners at which roll — missing, unexpected and doubled
 * rows counted apart. The children's IdNrs are read from the Melderegister, where the BZSt's assignment arrived.
 */
async function identityCheck(scale: ScaleTopology, persons: readonly Person[], plan: WorkloadPlan): Promise<RegisterCheck[]> {
  const births = [...plan.births.values()];
  await learnChildrenIdnrs(scale, births);
  const expected = expectedRegisters(persons, births, plan.parcelsAfter);
  const keysOf = (databases: string[], sql: string) => Promise.all(databases.map((database) => withDatabase(database, async (client) => (await client.query<{ key: string }>(sql)).rows.map((row) => row.key)))).then((all) => all.flat());
  const person = (table: string) => `select authority_key || '/' || coalesce(idnr, birth_registration_id) || '/' || status || '/' || family_name as key from ${table}`;
  const parcel = (table: string) =>
    `select authority_key || '/' || parcel_id || '/' || municipality_key || '/' || area_square_metres || '/' || array_to_string(array(select jsonb_array_elements_text(owner_idnrs)), ',') as key from ${table}`;
  return [
    compare('Melderegister (every municipality)', await keysOf(municipalDatabases(scale), person('residents')), expected.melderegister),
    compare('Personenstandsregister (every Standesamt)', await keysOf(municipalDatabases(scale), person('civil_status_records')), expected.personenstandsregister),
    compare('Grundsteuer property-tax rolls (every municipality)', await keysOf(municipalDatabases(scale), parcel('property_tax_entries')), expected.propertyTaxRolls),
    compare('Landesmelderegister (16 Länder)', await keysOf([stateDatabase(scale)], `select authority_key || '/' || idnr || '/' || status || '/' || family_name as key from state_residents`), expected.landesmelderegister),
    compare('Liegenschaftskataster (16 Länder)', await keysOf([stateDatabase(scale)], parcel('parcels')), expected.cadastre),
    compare('BZSt IdNr-Basisdaten', await keysOf([federalDatabase()], `select idnr || '/' || (address->>'municipalityKey') || '/' || status || '/' || family_name as key from idnr_base_data`), expected.idnrBaseData),
  ];
}

async function learnChildrenIdnrs(scale: ScaleTopology, births: Birth[]): Promise<void> {
  const byRegistration = new Map(births.flatMap((birth) => (birth.birthRegistrationId ? [[birth.birthRegistrationId, birth] as const] : [])));
  for (const database of municipalDatabases(scale)) {
    const { rows } = await withDatabase(database, (client) =>
      client.query<{ birth_registration_id: string; idnr: string }>('select birth_registration_id, idnr from residents where birth_registration_id = any($1) and idnr is not null', [[...byRegistration.keys()]]),
    );
    for (const row of rows) byRegistration.get(row.birth_registration_id)!.idnr = row.idnr;
  }
}

function compare(register: string, held: readonly string[], expected: readonly string[]): RegisterCheck {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const key of held) seen.set(key, (seen.get(key) ?? 0) + 1);
  return {
    register,
    expected: want.size,
    held: held.length,
    missing: [...want].filter((key) => !seen.has(key)).length,
    unexpected: [...seen.keys()].filter((key) => !want.has(key)).length,
    doubled: [...seen.values()].filter((count) => count > 1).length,
  };
}

interface Footprint {
  processes: ProcessSample[];
  connections: { application: string; connections: number }[];
  broker: { topics: number; partitions: number; groups: string[] };
}

/**
 * One more municipality, as the product adds one: hosted by the smallest municipal provider, in a Kreis it serves.
 * Every process whose settings name the topology's municipalities restarts with it (LocalStack.addAuthority); then a
 * first Anmeldung there must reach its Land and the BZSt. Measured: the restart, RSS, rows and roles of the new
 * authority, connections, topics, partitions and groups, before and after.
 */
async function addOneMunicipality(stack: LocalStack, scale: ScaleTopology, before: Footprint) {
  const provider = (stack.topology.providers ?? []).filter((candidate) => candidate.app === 'municipal-register').sort((a, b) => a.authorities.length - b.authorities.length)[0];
  const kreis = provider.authorities[0].slice(0, 5);
  const taken = new Set(stack.topology.instances.map((instance) => instance.instanceKey));
  const ags = Array.from({ length: 999 }, (_, n) => `${kreis}${String(999 - n).padStart(3, '0')}`).find((key) => !taken.has(key))!;
  const agency = `meldebehoerde-${ags}`;
  const municipality = { instanceKey: ags, name: `Neugemeinde ${ags}` };
  const database = instanceDatabaseName('municipal', provider.id, namespace);
  const rowsBefore = await authorityFootprint(database, ags);
  // The provider's memory with the authorities it has, fresh from a restart like the one adding one more is.
  const providerProcess = processName({ app: provider.app, instanceKey: provider.id });
  await stack.restart(providerProcess);
  const freshBefore = sampleProcesses(stack).find((sample) => sample.name === providerProcess)!;
  console.log(`scale: adding municipality ${ags} to provider ${provider.id} (${provider.authorities.length} authorities) ...`);
  const started = Date.now();
  const restarted = await stack.addAuthority(provider.id, { app: 'municipal-register', ...municipality, port: provider.port, agencyApiKeys: { [agency]: randomBytes(18).toString('base64url') }, blockExemptAgencies: [agency] });
  const restartSeconds = (Date.now() - started) / 1000;
  const processes = sampleProcesses(stack);
  const idnr = generateIdnr(seededRandom(Date.now() % 2 ** 31));
  const registeredAt = Date.now();
  const answer = await AgencyClient.of(stack, 'municipal-register', ags).registerResidence(loadedResident(idnr, municipality, seededRandom(1)));
  if (answer.status !== 201) throw new Error(`the first Anmeldung in ${ags}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  await waitUntil(`the first resident of ${ags} in its Land and the BZSt`, async () => {
    const held = (name: string, sql: string) => withDatabase(name, async (client) => (await client.query(sql, [idnr])).rowCount === 1);
    return (await held(stateDatabase(scale), 'select 1 from state_residents where idnr = $1')) && (await held(federalDatabase(), 'select 1 from idnr_base_data where idnr = $1')) ? true : undefined;
  }, 300_000, 250);
  const firstRegistrationSeconds = (Date.now() - registeredAt) / 1000;
  const after: Footprint = { processes, connections: await connectionsByApplication(), broker: await brokerFootprint() };
  return { ags, provider: provider.id, hosted: provider.authorities.length, restarted, restartSeconds, firstRegistrationSeconds, before, freshBefore, after, rowsBefore, rowsAfter: await authorityFootprint(database, ags) };
}

/** The database roles of one authority (its role and memberships) and its rows in its provider's database, by table. */
async function authorityFootprint(database: string, authority: string): Promise<{ roles: number; memberships: number; rows: Record<string, number> }> {
  const { roles, memberships } = await withDatabase('postgres', async (client) =>
    (
      await client.query<{ roles: number; memberships: number }>(
        `select count(*)::int as roles, (select count(*)::int from pg_auth_members m join pg_roles r on r.oid in (m.roleid, m.member) where r.rolname = $1) as memberships
         from pg_roles where rolname = $1`,
        [authorityRoleOf(database, authority)],
      )
    ).rows[0],
  );
  const rows = await withDatabase(database, async (client) => {
    const tables = (await client.query<{ table: string }>(`select table_name as table from information_schema.columns where table_schema = 'public' and column_name = 'authority_key' order by 1`)).rows.map((row) => row.table);
    const counts = await Promise.all(tables.map(async (table) => [table, (await client.query<{ n: number }>(`select count(*)::int as n from ${table} where authority_key = $1`, [authority])).rows[0].n] as const));
    return Object.fromEntries(counts.filter(([, n]) => n > 0));
  });
  return { roles, memberships, rows };
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
  drift: RegisterCheck[];
  oneMore: Awaited<ReturnType<typeof addOneMunicipality>> | { failed: string };
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
    `Command: \`npm run scale -- --persons ${options.persons} --concurrency ${options.concurrency} --municipal-providers ${options.municipalProviders} --pool ${options.pool} --actions ${options.actions} --mix ${options.mix} --rate ${options.rate}\` — ${new Date().toISOString()}, ${cpus().length} cores, load average at the end ${loadavg().map((value) => value.toFixed(1)).join(' / ')}.`,
    `Kreis data: ${run.scale.attribution}`,
    '',
    '## Topology',
    `- ${run.municipalities.toLocaleString('en')} municipalities on ${options.municipalProviders} municipal provider processes, the 16 Länder on one state provider, the BZSt, the router, the schema registry: ${run.after.length} processes, healthy ${run.startSeconds.toFixed(0)} s after start.`,
    `- Broker: ${run.broker.topics} topics, ${run.broker.partitions} partitions, ${run.broker.groups.length} consumer groups (${run.broker.groups.map((group) => group.slice(namespace.length + 1)).sort().join(', ')}).`,
    '',
    '## Memory (RSS, MiB, from /proc)',
    '| process | authorities | after start | after the load and the workload |',
    '|---|---:|---:|---:|',
    ...rssRows,
    `| **municipal processes together** | ${run.municipalities.toLocaleString('en')} | ${municipalRss(run.idle).toFixed(0)} | ${municipalRss(run.after).toFixed(0)} |`,
    '',
    `Spread between the municipal providers right after start (a least-squares slope of RSS over hosted municipalities): ${(perAuthorityKiB(run.idle.filter((sample) => sample.name.startsWith('municipal '))) ?? NaN).toFixed(1)} KiB per municipality; one more municipality measured below.`,
    '',
    '## PostgreSQL connections of the run (pg_stat_activity, by application)',
    '| application | connections |',
    '|---|---:|',
    ...run.connections.map((row) => `| ${row.application || '(none)'} | ${row.connections} |`),
    `| **together** | ${totalConnections(run.connections)} |`,
    '',
    '## Initial load (POST /residences/initial-load of each municipality, persons placed by population)',
    `- ${run.load.persons.length.toLocaleString('en')} persons loaded in ${run.load.batches.toLocaleString('en')} batches (${run.load.refused} batches refused), ${run.load.concurrency} batches in flight: all registered in their municipalities after ${run.load.answeredSeconds.toFixed(0)} s, in every register that must hold them (municipality, Land, BZSt) after ${run.load.appliedSeconds.toFixed(0)} s: **${(run.load.persons.length / run.load.appliedSeconds).toFixed(0)} persons/s** to every register.`,
    '',
    '## Mixed workload (each action through the agency API a citizen or surveyor goes to, open loop)',
    ...('failed' in run.workload ? [`- failed: ${run.workload.failed}`] : workloadLines(run.workload)),
    '',
    `## End check by identity (drift ${drift})`,
    'Keys: Melderegister, Landesmelderegister and Personenstandsregister authority/person/status/family name; BZSt IdNr/municipality/status/family name; rolls and cadastres authority/parcel/municipality/area/owners.',
    '',
    '| register | expected | rows | missing | unexpected | doubled |',
    '|---|---:|---:|---:|---:|---:|',
    ...run.drift.map((row) => `| ${row.register} | ${row.expected} | ${row.held} | ${row.missing} | ${row.unexpected} | ${row.doubled} |`),
    '',
    '## One more municipality, added to a running provider',
    ...('failed' in run.oneMore ? [`- failed: ${run.oneMore.failed}`] : oneMoreLines(run.oneMore)),
    '',
  ];
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, lines.join('\n'));
}

function totalConnections(connections: { connections: number }[]): number {
  return connections.reduce((sum, row) => sum + row.connections, 0);
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
  const ms = (latency: ReturnType<typeof latencySummary>) => (latency ? `${latency.p50} | ${latency.p95} | ${latency.p99} | ${latency.max}` : '– | – | – | –');
  return [
    `- ${workload.phase.outcomes.length} actions started at ${workload.rate}/s, after one of each kind alone to learn the transfers it causes (${Object.entries(workload.expected).map(([kind, transfers]) => `${kind} ${transfers}`).join(', ')}).`,
    `- **${workload.phase.actionsPerSecond.toFixed(1)} actions/s** applied everywhere; lost ${workload.phase.lost}, applied twice ${workload.phase.duplicated}, refused ${workload.phase.refused}.`,
    '',
    '| action | count | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|',
    ...workload.byKind.map((row) => `| ${row.kind} | ${row.count} | ${ms(row.latency)} |`),
    `| **all** (agency call → applied in the last recipient) | ${workload.phase.outcomes.length} | ${ms(workload.latency)} |`,
  ];
}

function oneMoreLines(added: Awaited<ReturnType<typeof addOneMunicipality>>): string[] {
  const rss = (footprint: Footprint, name: string) => footprint.processes.find((sample) => sample.name === name)?.rssMiB;
  const rows = (footprint: { rows: Record<string, number> }) => Object.entries(footprint.rows).map(([table, n]) => `${table} ${n}`).join(', ') || 'none';
  const groups = (footprint: Footprint) => footprint.broker.groups.length;
  return [
    `- Municipality ${added.ags} added to provider ${added.provider} (then ${added.hosted.toLocaleString('en')} authorities): its AUTHORITIES, the router's ROUTED_INSTANCES and every register's list of served municipalities name it, so the product restarts ${added.restarted.length} processes (${added.restarted.join(', ')}): all healthy again after **${added.restartSeconds.toFixed(0)} s**; the first Anmeldung there reached its Land and the BZSt ${added.firstRegistrationSeconds.toFixed(1)} s after the call.`,
    '',
    '| | before | after | delta |',
    '|---|---:|---:|---:|',
    `| RSS ${added.freshBefore.name}, MiB, fresh from a restart: with its ${(added.hosted - 1).toLocaleString('en')} municipalities, then with one more | ${added.freshBefore.rssMiB.toFixed(1)} | ${rss(added.after, added.freshBefore.name)?.toFixed(1) ?? '–'} | ${((rss(added.after, added.freshBefore.name) ?? NaN) - added.freshBefore.rssMiB).toFixed(1)} |`,
    ...added.restarted.map((name) => {
      const [before, after] = [rss(added.before, name), rss(added.after, name)];
      return `| RSS ${name}, MiB, after the workload, then fresh from the restart | ${before?.toFixed(0) ?? '–'} | ${after?.toFixed(0) ?? '–'} | ${before !== undefined && after !== undefined ? (after - before).toFixed(0) : '–'} |`;
    }),
    `| database roles of the authority (and memberships) | ${added.rowsBefore.roles} (${added.rowsBefore.memberships}) | ${added.rowsAfter.roles} (${added.rowsAfter.memberships}) | +${added.rowsAfter.roles - added.rowsBefore.roles} (+${added.rowsAfter.memberships - added.rowsBefore.memberships}) |`,
    `| its rows in the provider database (after its first Anmeldung) | ${rows(added.rowsBefore)} | ${rows(added.rowsAfter)} | |`,
    `| PostgreSQL connections of the run | ${totalConnections(added.before.connections)} | ${totalConnections(added.after.connections)} | ${totalConnections(added.after.connections) - totalConnections(added.before.connections)} |`,
    `| topics / partitions | ${added.before.broker.topics} / ${added.before.broker.partitions} | ${added.after.broker.topics} / ${added.after.broker.partitions} | ${added.after.broker.topics - added.before.broker.topics} / ${added.after.broker.partitions - added.before.broker.partitions} |`,
    `| consumer groups | ${groups(added.before)} | ${groups(added.after)} | ${groups(added.after) - groups(added.before)} |`,
    `| processes | ${added.before.processes.length} | ${added.after.processes.length} | ${added.after.processes.length - added.before.processes.length} |`,
  ];
}

main().catch((error: Error) => {
  console.error(`scale: ${error.stack ?? error.message}`);
  process.exit(1);
});

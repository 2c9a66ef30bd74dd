// `npm run bench -- --baseline` (tools/bench.mjs builds and starts the infrastructure, then runs this): the same
// Anmeldungen through (c) regsync's product path and (b) the fair NestJS baseline, and (a) the raw ceiling of kafkajs
// on the same broker. See bench/README.md.
import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalStack, randomPortOffset, workspaceRoot } from '@regsync/local-stack/local-stack';
import { dropNamespaceDatabases } from '@regsync/persistence/databases';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { latencySummary } from '../latency-summary';
import { AppliedWatch } from '../product-path/applied-watch';
import { citizenWorkload } from '../product-path/citizen-workload';
import { ProductPathRun, type PhaseResult } from '../product-path/product-path-run';
import { registerDatabasesOf, regsyncSubmitter } from '../product-path/regsync-agencies';
import { benchRun, type RunResult } from '../throughput/bench-run';
import { BASELINE_RESIDENT_ROWS, BaselineStack } from './baseline-stack';
import { PIPELINE_LABELS, sideBySideReport, type Cell, type Pipeline, type RunFigures } from './side-by-side-report';

const numbers = (value: string) => value.split(',').filter(Boolean).map((part) => Number(part.replace(/_/g, '')));

const options = new Command()
  .addOption(new Option('--persons <n>', 'Anmeldungen per closed-loop run').default('150'))
  .addOption(new Option('--clients <list>', 'concurrent agency clients (closed loop)').default('1,8,32'))
  .addOption(new Option('--rates <list>', 'Anmeldungen per second of the fixed-rate runs (records/s for the raw ceiling)').default('25,100'))
  .addOption(new Option('--rate-seconds <n>', 'duration of each fixed-rate run').default('10'))
  .addOption(new Option('--raw-records <n>', 'records per raw throughput run').default('20000'))
  .addOption(new Option('--runs <n>', 'repetitions of every cell').default('3'))
  .addOption(new Option('--lost-after-seconds <n>', 'an action not applied everywhere this long after the last answer counts as lost').default('120'))
  .addOption(new Option('--pipelines <list>', 'regsync, baseline, raw').default('regsync,baseline,raw'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'latest.md')))
  .parse()
  .opts<{ persons: string; clients: string; rates: string; rateSeconds: string; rawRecords: string; runs: string; lostAfterSeconds: string; pipelines: string; out: string }>();

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const kafka = loadKafkaConnection();
const runs = Number(options.runs);
const cells: Cell[] = [];

function record(pipeline: Pipeline, load: Cell['load'], figures: RunFigures): void {
  const key = JSON.stringify(load);
  let cell = cells.find((candidate) => candidate.pipeline === pipeline && JSON.stringify(candidate.load) === key);
  if (!cell) cells.push((cell = { pipeline, load, runs: [] }));
  cell.runs.push(figures);
  console.log(`bench: ${PIPELINE_LABELS[pipeline]}, ${key}: ${figures.perSecond.toFixed(0)}/s, e2e p99 ${figures.endToEnd?.p99 ?? '–'} ms, lost ${figures.lost}, duplicated ${figures.duplicated}, refused ${figures.refused}, load ${figures.loadAverage.toFixed(1)}`);
}

function phaseFigures(result: PhaseResult): RunFigures {
  return {
    perSecond: result.actionsPerSecond,
    endToEnd: latencySummary(result.outcomes.flatMap((outcome) => (outcome.endToEndMs === undefined ? [] : [outcome.endToEndMs]))),
    http: latencySummary(result.outcomes.map((outcome) => outcome.answeredAt - outcome.startedAt)),
    lost: result.lost,
    duplicated: result.duplicated,
    refused: result.refused,
    loadAverage: loadavg()[0],
  };
}

/** The same Anmeldungen, clients and rates for (c) and (b): each run a fresh seeded workload with its own correlation prefix. */
async function measureProductPath(pipeline: 'regsync' | 'baseline', namespace: string, run: ProductPathRun): Promise<void> {
  let sequence = 0;
  const registrations = (persons: number) => {
    const prefix = `${namespace}-${sequence++}`;
    return { prefix, actions: citizenWorkload(persons, sequence, prefix).registrations };
  };
  const calibration = registrations(1);
  const expected = await run.learnExpectedTransfers(calibration.actions, calibration.prefix);
  console.log(`bench: ${PIPELINE_LABELS[pipeline]}: an Anmeldung reaches ${expected.registration} registers`);
  for (let repetition = 0; repetition < runs; repetition++) {
    for (const clients of numbers(options.clients)) {
      const { prefix, actions } = registrations(Number(options.persons));
      record(pipeline, { clients }, phaseFigures(await run.closedLoop(actions, clients, expected, prefix)));
    }
    for (const rate of numbers(options.rates)) {
      const { prefix, actions } = registrations(rate * Number(options.rateSeconds));
      record(pipeline, { rate }, phaseFigures(await run.fixedRate(actions, rate, expected, prefix)));
    }
  }
}

async function measureRegsync(): Promise<void> {
  const namespace = `bench_${randomBytes(3).toString('hex')}`;
  const stack = new LocalStack({ kafkaBrokers: kafka.brokers.join(','), databaseUrl, namespace, portOffset: randomPortOffset(7000, 40), onLine: () => undefined });
  const watch = new AppliedWatch(databaseUrl, registerDatabasesOf(stack, namespace));
  try {
    console.log(`bench: starting regsync's local topology (namespace ${namespace}) ...`);
    await stack.start();
    await measureProductPath('regsync', namespace, new ProductPathRun(regsyncSubmitter(stack), watch, Number(options.lostAfterSeconds) * 1000));
  } finally {
    await watch.close();
    await stack.stop();
    await dropNamespaceDatabases(databaseUrl, namespace);
  }
}

async function measureBaseline(): Promise<void> {
  const namespace = `bench_${randomBytes(3).toString('hex')}`;
  const stack = new BaselineStack({ kafka, databaseUrl, namespace, portBase: 17_000 + 10 * Math.floor(Math.random() * 100), replicationFactor: kafka.brokers.length >= 3 ? 3 : 1 });
  const watch = new AppliedWatch(databaseUrl, stack.recipientDatabases(), BASELINE_RESIDENT_ROWS);
  try {
    console.log(`bench: starting the NestJS baseline (namespace ${namespace}) ...`);
    await stack.start();
    await measureProductPath('baseline', namespace, new ProductPathRun(stack.submitter(), watch, Number(options.lostAfterSeconds) * 1000));
  } finally {
    await watch.close();
    await stack.stop();
  }
}

function rawFigures(run: RunResult): RunFigures {
  return { perSecond: run.eventsPerSecond, endToEnd: run.consumer.latencyMs, lost: run.count - run.consumer.events, duplicated: 0, refused: 0, loadAverage: run.loadAverage };
}

async function measureRaw(): Promise<void> {
  const common = { kafka, databaseUrl, schemaRegistryUrl: '', transactionSize: 1, rate: 0 };
  for (let repetition = 0; repetition < runs; repetition++) {
    for (const pipeline of ['raw', 'raw-transactional'] as const) {
      record(pipeline, { records: Number(options.rawRecords) }, rawFigures(await benchRun({ ...common, pipeline, mode: 'throughput', count: Number(options.rawRecords) })));
      for (const rate of numbers(options.rates)) {
        record(pipeline, { rate }, rawFigures(await benchRun({ ...common, pipeline, mode: 'latency', rate, count: rate * Number(options.rateSeconds) })));
      }
    }
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  const pipelines = options.pipelines.split(',');
  // The report is written after each pipeline, so a failure later keeps what was measured.
  if (pipelines.includes('regsync')) await measureRegsync().finally(() => writeReport(started));
  if (pipelines.includes('baseline')) await measureBaseline().finally(() => writeReport(started));
  if (pipelines.includes('raw')) await measureRaw().finally(() => writeReport(started));
  console.log(`\n${readFileSync(options.out, 'utf8')}\nbench: report written to ${options.out}`);
}

function writeReport(started: number): void {
  const cpu = cpus();
  const markdown = sideBySideReport(cells, [
    '# Product path against a fair baseline and the raw ceiling',
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka at ${kafka.brokers.join(',')} ` +
      `(${kafka.brokers.length} broker${kafka.brokers.length > 1 ? 's' : ''}); PostgreSQL at ${new URL(databaseUrl).host}; every service a process of its own on the same machine. ` +
      `${new Date().toISOString()}, ${((Date.now() - started) / 60_000).toFixed(1)} min. Command: \`npm run bench -- --baseline ${process.argv.slice(2).join(' ')}\`.`,
    '',
    'One citizen action throughout: the Anmeldung of a new resident (`POST /residences`, bench/product-path/citizen-workload.ts), which reaches the Land mirror of its Land and the BZSt.',
    '',
    '- (c) regsync: register row, outbox and transfer log in one transaction → relay → Kafka → router → delivery topics → the Land and the BZSt, each applying it with its inbox and transfer-log row in one transaction. Done when both transfer-log rows are there (by correlation id).',
    '- (b) baseline: the same validation, API key and register row (NestJS, TypeORM), then after the commit `ClientKafka.emit` (idempotent producer, acks=all) of JSON; the Land mirrors and the BZSt consume with stock ServerKafka (`partitionsConsumedConcurrently` 6), `@EventPattern`, one TypeORM transaction per event. Done when the row is in both recipients (by correlation id).',
    "- (a) raw: kafkajs producer → consumer, no database, records of regsync's deliveries (Avro ResidenceRegistered with the router's headers), 500 records per send; with transactions: one Kafka transaction at a time holding every record queued while the previous one ran (as regsync's relay takes its backlog), read_committed. Throughput is records/s of one producer, latency send → consumed. An Anmeldung is 3 records in regsync (outgoing + 2 deliveries) and 1 in the baseline (read by three consumers).",
    '',
    `Medians of ${runs} runs (min–max of the runs); lost / duplicated / refused (any answer but 201, a reset connection included) summed over the runs; load average (1 min) at the end of each run (at the start for (a)). ` +
      'Fixed rates are offered for the whole duration whatever the answers take (open loop); "e2e" is agency call start (send for (a)) → commit in the last recipient.',
  ]);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, markdown);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

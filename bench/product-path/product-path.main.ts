// `npm run bench` (tools/bench.mjs builds and starts the infrastructure, then runs this): the product path, from
// concurrent agency calls to every register that must apply them. See bench/README.md.
import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { LocalStack, randomPortOffset, workspaceRoot } from '@regsync/local-stack/local-stack';
import { dropNamespaceDatabases } from '@regsync/persistence/databases';
import { latencySummary, medianAndRange } from '../latency-summary';
import { AppliedWatch } from './applied-watch';
import { citizenWorkload } from './citizen-workload';
import { ProductPathRun, type ExpectedTransfers, type PhaseResult } from './product-path-run';
import { registerDatabasesOf, regsyncSubmitter } from './regsync-agencies';

const numbers = (value: string) => value.split(',').map((part) => Number(part.replace(/_/g, '')));

const options = new Command()
  .addOption(new Option('--persons <n>', 'citizens per run: each is registered once, then moves once').default('400'))
  .addOption(new Option('--clients <list>', 'concurrent agency clients (closed loop)').default('1,8,32'))
  .addOption(new Option('--rates <list>', 'citizen actions per second of the fixed-rate latency runs').default('50,100'))
  .addOption(new Option('--rate-seconds <n>', 'duration of each fixed-rate run').default('10'))
  .addOption(new Option('--runs <n>', 'repetitions of every cell').default('3'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'product-path-latest.md')))
  .parse()
  .opts<{ persons: string; clients: string; rates: string; rateSeconds: string; runs: string; out: string }>();

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

interface Cell {
  phase: string;
  load: string;
  results: PhaseResult[];
  loadAverages: number[];
}

const ms = (values: (number | undefined)[]) => values.filter((value): value is number => value !== undefined);

function row(cell: Cell): string {
  const endToEnd = cell.results.map((result) => latencySummary(ms(result.outcomes.map((outcome) => outcome.endToEndMs)))!);
  const http = cell.results.map((result) => latencySummary(result.outcomes.map((outcome) => outcome.answeredAt - outcome.startedAt))!);
  const pick = (summaries: { p50: number; p95: number; p99: number; max: number }[], key: 'p50' | 'p95' | 'p99' | 'max') => medianAndRange(summaries.map((summary) => summary[key]));
  const sum = (key: 'lost' | 'duplicated' | 'refused') => cell.results.reduce((total, result) => total + result[key], 0);
  return `| ${cell.phase} | ${cell.load} | ${medianAndRange(cell.results.map((result) => result.actionsPerSecond))} | ${pick(http, 'p50')} | ${pick(http, 'p99')} | ${pick(endToEnd, 'p50')} | ${pick(endToEnd, 'p95')} | ${pick(endToEnd, 'p99')} | ${pick(endToEnd, 'max')} | ${sum('lost')} / ${sum('duplicated')} / ${sum('refused')} | ${medianAndRange(cell.loadAverages, 1)} |`;
}

function report(cells: Cell[], expected: ExpectedTransfers, seconds: number): string {
  const cpu = cpus();
  return [
    '# regsync product-path benchmark',
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; Kafka at ${brokers}; ` +
      `PostgreSQL at ${new URL(databaseUrl).host}; every service of the local topology a process of its own on the same machine. ${new Date().toISOString()}, ${Math.round(seconds)} s.`,
    '',
    `Each action is one \`POST /residences\` by an agency client (a Bürgeramt system) at its municipality: register row, outbox and transfer log in one transaction → relay → Kafka → every register that must apply it, each writing its row and transfer-log row in one transaction. ` +
      `Transfers per action, learned from one action of each kind: ${Object.entries(expected).map(([kind, count]) => `${kind} ${count}`).join(', ')}. ` +
      'An action counts as applied when all its transfer-log rows are there (by correlation id, in every register database); end to end = agency call start → commit of the last of them.',
    '',
    `Medians of ${options.runs} runs, (min–max) of the runs; lost / duplicated / refused summed over the runs; load average (1 min) at the end of each run.`,
    '',
    '| phase | load | actions/s end to end | HTTP p50 ms | HTTP p99 ms | e2e p50 ms | e2e p95 ms | e2e p99 ms | e2e max ms | lost / dup / refused | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...cells.map(row),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = Date.now();
  const namespace = `bench_${randomBytes(3).toString('hex')}`;
  const stack = new LocalStack({ kafkaBrokers: brokers, databaseUrl, namespace, portOffset: randomPortOffset(7000, 40), onLine: () => undefined });
  const watch = new AppliedWatch(databaseUrl, registerDatabasesOf(stack, namespace));
  const run = new ProductPathRun(regsyncSubmitter(stack), watch);
  const cells: Cell[] = [];
  let expected: ExpectedTransfers | undefined;
  let sequence = 0;
  const workload = (persons: number) => {
    const prefix = `${namespace}-${sequence++}`;
    return { prefix, ...citizenWorkload(persons, sequence, prefix) };
  };
  try {
    console.log(`bench: starting the local topology (namespace ${namespace}) ...`);
    await stack.start();
    const calibration = workload(2);
    expected = await run.learnExpectedTransfers(
      [calibration.registrations[0], calibration.registrations[1], calibration.moves[0], calibration.moves[1]],
      calibration.prefix,
    );
    console.log(`bench: transfers per action ${JSON.stringify(expected)}`);
    const record = (phase: string, load: string, result: PhaseResult) => {
      let cell = cells.find((candidate) => candidate.phase === phase && candidate.load === load);
      if (!cell) cells.push((cell = { phase, load, results: [], loadAverages: [] }));
      cell.results.push(result);
      cell.loadAverages.push(loadavg()[0]);
      console.log(`bench: ${phase}, ${load}: ${result.actionsPerSecond.toFixed(0)} actions/s, e2e p99 ${latencySummary(ms(result.outcomes.map((outcome) => outcome.endToEndMs)))?.p99 ?? '–'} ms, lost ${result.lost}, duplicated ${result.duplicated}, refused ${result.refused}`);
    };
    for (let repetition = 0; repetition < Number(options.runs); repetition++) {
      for (const clients of numbers(options.clients)) {
        const { prefix, registrations, moves } = workload(Number(options.persons));
        record('Anmeldung (new resident)', `${clients} clients`, await run.closedLoop(registrations, clients, expected, `${prefix}-r`));
        record('Umzug (move, Rückmeldung)', `${clients} clients`, await run.closedLoop(moves, clients, expected, `${prefix}-m`));
      }
      for (const rate of numbers(options.rates)) {
        const { prefix, registrations, moves } = workload(rate * Number(options.rateSeconds));
        await run.closedLoop(registrations, 16, expected, `${prefix}-r`);
        record('Umzug at a fixed rate', `${rate}/s`, await run.fixedRate(moves, rate, expected, `${prefix}-m`));
      }
    }
  } finally {
    await watch.close();
    await stack.stop();
    await dropNamespaceDatabases(databaseUrl, namespace);
  }
  const markdown = report(cells, expected!, (Date.now() - started) / 1000);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, markdown);
  console.log(`\n${markdown}\nbench: report written to ${options.out}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

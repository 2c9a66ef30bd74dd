// `npm run bench -- --router [--persons 5000 --rate 300 --runs 3]` (tools/bench.mjs builds and starts the infrastructure, then runs
// this): the router alone on the real broker and PostgreSQL, as in production (admission, routing catalog, projection,
// subject holdings, delivered versions, state records, outbox and relay), timed from the first event sent onto the
// senders' outgoing topics until every delivery is committed on Kafka. See bench/README.md.
import { INestApplication, Logger } from '@nestjs/common';
import { Command, Option } from 'commander';
import { Kafka } from 'kafkajs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { consumerGroupOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { workspaceRoot } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadRouterConfig } from '@regsync/apps/router/src/config';
import { RouterModule } from '@regsync/apps/router/src/router.module';
import { cpuNow } from '../product-path/process-cpu';
import { FlowEvents } from '@regsync/apps/replay/test/support/register-flow-events';
import { waitForNoLag } from '@regsync/apps/replay/test/support/live-register-service';
import { startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';

const options = new Command()
  .addOption(new Option('--persons <n>', 'citizens of Osnabrück through the demo flows (a quarter each move, marry, die): about 2 events each').default('5000'))
  .addOption(new Option('--rate <events/s>', 'send at this rate, 20 events per send, instead of everything at once (a backlog)'))
  .addOption(new Option('--runs <n>', 'runs, each in a namespace and router database of its own').default('3'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'router-latest.md')))
  .parse()
  .opts<{ persons: string; rate?: string; runs: string; out: string }>();

const SENDERS = ['03404000', '14612000'];
const SEND_SIZE = 20;

interface RunResult {
  events: number;
  seconds: number;
  deliveries: number;
  /** Committed transactions of the router's database (pg_stat_database), its relay's included. */
  databaseTransactions: number;
  /** The apply transactions (inbox rows share their transaction's now()) and the relay's Kafka transactions. */
  applyTransactions: number;
  relayTransactions: number;
  load: number;
  /** CPU seconds of this process (router, its relay, the sending producer) and of the router database's PostgreSQL backends. */
  processCpu: number;
  databaseCpu: number;
}

async function routeOnce(persons: number, rate: number | undefined): Promise<RunResult> {
  const env = await startReplayTestEnvironment('bench_router');
  let router: INestApplication | undefined;
  try {
    const database = instanceDatabaseName('router', 'main', env.namespace);
    env.dropAtEnd(database);
    router = await startService(
      RouterModule.forRoot(
        loadRouterConfig({ ...kafkaEnvironmentOf(env.connection), DATABASE_URL: env.databaseUrl, SCHEMA_REGISTRY_URL: env.schemaRegistryUrl, NAMESPACE: env.namespace, HOST: '127.0.0.1', PORT: '1', ROUTED_INSTANCES: 'MUNICIPAL:03404000,MUNICIPAL:14612000,STATE:03,STATE:14,FEDERAL:DE' }),
      ),
      { title: 'router', host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport },
    );
    const dataSource = router.get(DataSource);
    const count = async (sql: string, parameters: unknown[] = []) => ((await dataSource.query(sql, parameters)) as { n: number }[])[0].n;
    const committedTransactions = () => count('select xact_commit::int as n from pg_stat_database where datname = $1', [database]);
    const flows = FlowEvents.demoFlowsForNiedersachsen(persons);
    await groupStable(env.kafka, consumerGroupOf('router', 'main', env.namespace));
    const transactionsBefore = await committedTransactions();
    const backends = async () => ((await dataSource.query('select pid from pg_stat_activity where datname = $1', [database])) as { pid: number }[]).map(({ pid }) => ({ name: String(pid), pid }));
    const databaseCpuBefore = cpuNow(await backends());
    const processCpuBefore = process.cpuUsage();
    const start = Date.now();
    const eventsOf = (key: string) => flows.events.filter((event) => event.envelope.source.instanceKey === key);
    if (rate === undefined) {
      for (const key of SENDERS) await env.produce(outgoingTopicOf('municipal-register', key, env.namespace), eventsOf(key));
    } else {
      // Open loop, as senders' relays publish while citizens act: each sender's share of the rate, a send every 20 events.
      await Promise.all(
        SENDERS.map(async (key) => {
          const events = eventsOf(key);
          const share = (rate * events.length) / flows.events.length;
          for (let from = 0; from < events.length; from += SEND_SIZE) {
            const due = start + (from / share) * 1000;
            if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
            await env.produce(outgoingTopicOf('municipal-register', key, env.namespace), events.slice(from, from + SEND_SIZE));
          }
        }),
      );
    }
    await waitForNoLag(
      env.kafka,
      consumerGroupOf('router', 'main', env.namespace),
      SENDERS.map((key) => outgoingTopicOf('municipal-register', key, env.namespace)),
      1_800_000,
    );
    await waitUntil('the router published its outbox', async () => (await count('select count(*)::int as n from regsync_outbox where published_at is null')) === 0 || undefined, 1_800_000);
    const seconds = (Date.now() - start) / 1000;
    const { user, system } = process.cpuUsage(processCpuBefore);
    // Backends opened during the run (the pool grows) count from 0.
    const databaseCpuAfter = cpuNow(await backends());
    const databaseCpu = [...databaseCpuAfter].reduce((sum, [name, { ms }]) => sum + ms - (databaseCpuBefore.get(name)?.ms ?? 0), 0) / 1000;
    return {
      events: flows.events.length,
      seconds,
      deliveries: await count('select count(*)::int as n from regsync_outbox'),
      databaseTransactions: (await committedTransactions()) - transactionsBefore,
      applyTransactions: await count('select count(distinct processed_at)::int as n from regsync_inbox'),
      relayTransactions: await count('select count(distinct published_at)::int as n from regsync_outbox'),
      load: loadavg()[0],
      processCpu: (user + system) / 1e6,
      databaseCpu,
    };
  } finally {
    await router?.close();
    await env.close();
  }
}

/** The router's consumer is in its group, so the time measured is routing, not joining. */
async function groupStable(kafka: Kafka, group: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await waitUntil(`${group} stable`, async () => ((await admin.describeGroups([group])).groups[0]?.state === 'Stable') || undefined, 120_000);
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const persons = Number(options.persons);
  const results: RunResult[] = [];
  const lines: string[] = [];
  for (let run = 1; run <= Number(options.runs); run++) {
    const result = await routeOnce(persons, options.rate === undefined ? undefined : Number(options.rate));
    results.push(result);
    lines.push(
      `run ${run}: ${result.events} events in ${result.seconds.toFixed(1)} s = ${Math.round(result.events / result.seconds)} events/s; ${result.deliveries} outbox rows, ` +
        `${result.applyTransactions} apply transactions, ${result.relayTransactions} relay transactions, ${result.databaseTransactions} database commits; ` +
        `CPU ms per event: bench process ${((result.processCpu * 1000) / result.events).toFixed(2)}, router's PostgreSQL backends ${((result.databaseCpu * 1000) / result.events).toFixed(2)}; load ${result.load.toFixed(1)}`,
    );
    console.log(lines[lines.length - 1]);
  }
  const rates = results.map((result) => result.events / result.seconds).sort((a, b) => a - b);
  const median = <T>(values: T[]) => values[Math.floor(values.length / 2)];
  const byRate = [...results].sort((a, b) => a.events / a.seconds - b.events / b.seconds);
  const typical = median(byRate);
  const cpu = cpus();
  const report = [
    '# Router throughput: events routed per second, the router alone',
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}; ${new Date().toISOString()}. ` +
      `\`npm run bench -- --router --persons ${persons}${options.rate ? ` --rate ${options.rate}` : ''} --runs ${options.runs}\` (\`bench/router/\`).`,
    '',
    `**${Math.round(median(rates))} events/s** (median of ${results.length} runs, range ${Math.round(rates[0])}–${Math.round(rates[rates.length - 1])}), ` +
      `load average ${results.map((result) => result.load.toFixed(1)).join(' / ')}.`,
    '',
    `Per run of the median: ${typical.events} events, ${typical.deliveries} outbox rows (deliveries and state records), ${typical.applyTransactions} apply transactions ` +
      `(${(typical.events / typical.applyTransactions).toFixed(1)} events each), ${typical.relayTransactions} relay Kafka transactions, ${typical.databaseTransactions} database commits; ` +
      `CPU ms per event: ${((typical.processCpu * 1000) / typical.events).toFixed(2)} in the bench process (router, relay, sending producer), ${((typical.databaseCpu * 1000) / typical.events).toFixed(2)} in the router's PostgreSQL backends.`,
    '',
    '```',
    ...lines,
    '```',
    '',
  ].join('\n');
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, report);
  console.log(report);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

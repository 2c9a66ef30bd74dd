// `npm run bench -- --hops`: where ONE agency client's end-to-end time goes, hop by hop. Anmeldungen are sent one at a
// time (the next only after the previous one reached every register), and each hop is read from the timestamps the
// databases keep by identity: the sender's and the router's outbox rows (written, published), the router's and the
// recipients' inbox rows (their apply transaction's start) and the recipients' transfer-log rows.
import { appendFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { ROUTER_INSTANCE_KEY } from '@regsync/contracts/topics';
import { LocalStack, randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { databaseUrl as databaseUrlOf, instanceDatabaseName, dropNamespaceDatabases } from '@regsync/persistence/databases';
import { latencySummary } from '../latency-summary';
import { AppliedWatch } from './applied-watch';
import { citizenWorkload } from './citizen-workload';
import { cpuNow, cpuSince } from './process-cpu';
import { registerDatabasesOf, regsyncSubmitter } from './regsync-agencies';

const options = new Command()
  .addOption(new Option('--actions <n>', 'Anmeldungen, one at a time').default('40'))
  .addOption(new Option('--pause-ms <n>', 'quiet time between two actions').default('200'))
  .addOption(new Option('--clients <n>', 'instead: this many clients, each sending its next action once the previous is answered (closed loop, as the bench)'))
  .parse()
  .opts<{ actions: string; pauseMs: string; clients?: string }>();

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/** Milliseconds since the agency call started, per hop of one action. */
interface Hops {
  answered: number;
  senderWritten: number;
  senderPublished: number;
  routerApplying: number;
  routerPublished: number;
  recipientApplying: number;
  recipientLogged: number;
}

const HOPS: [keyof Hops, string][] = [
  ['senderWritten', 'sender: request transaction begins'],
  ['answered', 'HTTP answer received'],
  ['senderPublished', 'sender relay: rows marked published (Kafka transaction committed)'],
  ['routerApplying', 'router: apply transaction begins'],
  ['routerPublished', 'router relay: deliveries marked published'],
  ['recipientApplying', 'last recipient: apply transaction begins'],
  ['recipientLogged', 'last recipient: transfer-log row (end to end)'],
];

async function main(): Promise<void> {
  const namespace = `hops_${randomBytes(3).toString('hex')}`;
  const stack = new LocalStack({ kafkaBrokers: brokers, databaseUrl: serverUrl, namespace, portOffset: randomPortOffset(7000, 40), onLine: (name, line) => (process.env.BENCH_STACK_LOG ? appendFileSync(process.env.BENCH_STACK_LOG, `[${name}] ${line}\n`) : undefined) });
  const recipients = registerDatabasesOf(stack, namespace);
  const watch = new AppliedWatch(serverUrl, recipients);
  const submit = regsyncSubmitter(stack);
  const connect = async (name: string) => {
    const client = new Client({ connectionString: databaseUrlOf(serverUrl, name) });
    await client.connect();
    return client;
  };
  try {
    console.log(`hops: starting the local topology (namespace ${namespace}) ...`);
    await stack.start();
    const prefix = `${namespace}-r`;
    const { registrations } = citizenWorkload(Number(options.actions) + 1, 1, prefix);
    const started = new Map<string, { start: number; answered: number }>();
    const send = async (action: (typeof registrations)[number]) => {
      const start = Date.now();
      const status = await submit(action);
      if (status !== 201) throw new Error(`${action.correlationId}: HTTP ${status}`);
      started.set(action.correlationId, { start, answered: Date.now() });
    };
    // An Anmeldung without previous address reaches the Land and the BZSt: two transfer-log rows.
    const applied = (cid: string) => async () => (((await watch.applied(cid)).get(cid)?.transfers ?? 0) >= 2 ? true : undefined);
    const [first, ...rest] = registrations;
    await send(first);
    await waitUntil(`${first.correlationId} applied`, applied(first.correlationId), 60_000, 20);
    const cpuBefore = cpuNow(stack.runningProcesses);
    const measuredFrom = Date.now();
    if (options.clients) {
      await Promise.all(Array.from({ length: Number(options.clients) }, async () => {
        for (let action = rest.shift(); action; action = rest.shift()) await send(action);
      }));
      for (const cid of started.keys()) await waitUntil(`${cid} applied`, applied(cid), 120_000, 100);
    } else {
      for (const action of rest) {
        await send(action);
        await waitUntil(`${action.correlationId} applied`, applied(action.correlationId), 60_000, 20);
        await new Promise((resolve) => setTimeout(resolve, Number(options.pauseMs)));
      }
    }
    const measuredMs = Date.now() - measuredFrom;
    const cpu = cpuSince(cpuBefore);
    const router = await connect(instanceDatabaseName('router', ROUTER_INSTANCE_KEY, namespace));
    const databases = await Promise.all(recipients.map(connect));
    const rows = async (client: Client, sql: string) => (await client.query<{ cid: string; at: Date; published: Date | null }>(sql, [`${prefix}%`])).rows;
    const outboxSql = `select headers->>'regsync-correlation-id' as cid, max(created_at) as at, max(published_at) as published
                         from regsync_outbox where headers->>'regsync-correlation-id' like $1 group by 1`;
    const senderRows = (await Promise.all(databases.map((client) => rows(client, outboxSql)))).flat();
    const routerOutbox = await rows(router, outboxSql);
    const routerInbox = await rows(
      router,
      `select o.headers->>'regsync-correlation-id' as cid, min(i.processed_at) as at from regsync_inbox i
         join regsync_outbox o on o.headers->>'regsync-event-id' = i.event_id::text where o.headers->>'regsync-correlation-id' like $1 group by 1`,
    );
    const recipientRows = (
      await Promise.all(
        databases.map((client) =>
          rows(client, `select t.correlation_id as cid, max(i.processed_at) as at, max(t.transferred_at) as published from transfer_log t join regsync_inbox i on i.event_id = t.event_id where t.correlation_id like $1 group by 1`),
        ),
      )
    ).flat();
    const hops: Hops[] = [];
    // The first action pays every service's first use (connections, JIT): left out.
    for (const [cid, { start, answered }] of [...started].slice(1)) {
      const at = (value: Date | null | undefined) => (value ? value.getTime() - start : NaN);
      const sender = senderRows.find((row) => row.cid === cid);
      const inRecipients = recipientRows.filter((row) => row.cid === cid);
      hops.push({
        answered: answered - start,
        senderWritten: at(sender?.at),
        senderPublished: at(sender?.published),
        routerApplying: at(routerInbox.find((row) => row.cid === cid)?.at),
        routerPublished: at(routerOutbox.find((row) => row.cid === cid)?.published),
        recipientApplying: Math.max(...inRecipients.map((row) => at(row.at))),
        recipientLogged: Math.max(...inRecipients.map((row) => at(row.published))),
      });
    }
    await Promise.all([router, ...databases].map((client) => client.end()));
    console.log(`\n${hops.length} Anmeldungen ${options.clients ? `from ${options.clients} clients (closed loop)` : 'one at a time'}, load average ${loadavg()[0].toFixed(1)}; ms since the agency call started:\n`);
    console.log('| hop | p50 | p95 | max |\n|---|---:|---:|---:|');
    for (const [key, label] of HOPS) {
      const summary = latencySummary(hops.map((hop) => hop[key]).filter((value) => Number.isFinite(value)));
      console.log(`| ${label} | ${summary?.p50 ?? '–'} | ${summary?.p95 ?? '–'} | ${summary?.max ?? '–'} |`);
    }
    // CPU time, unlike wall time, barely depends on what else runs on the machine.
    const total = [...cpu.values()].reduce((sum, ms) => sum + ms, 0);
    console.log(`\nCPU ms per action of each service while measuring (${hops.length} actions in ${(measuredMs / 1000).toFixed(1)} s, ${(total / measuredMs).toFixed(2)} cores):\n`);
    console.log('| service | CPU ms per action |\n|---|---:|');
    for (const [name, ms] of [...cpu].sort((a, b) => b[1] - a[1])) console.log(`| ${name} | ${(ms / hops.length).toFixed(1)} |`);
    console.log(`| all services | ${(total / hops.length).toFixed(1)} |`);
  } finally {
    await watch.close();
    await stack.stop();
    await dropNamespaceDatabases(serverUrl, namespace);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

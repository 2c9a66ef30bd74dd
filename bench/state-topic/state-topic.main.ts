// `npm run bench -- --state-topic [--persons 5000 --erase 0.1]` (tools/bench.mjs builds and starts the infrastructure,
// then runs this): a Land mirror rebuilt from its whole delivery history beside a new database started from its
// compacted state topic, before and after erasing a share of the persons. See bench/README.md.
import { INestApplication, Logger } from '@nestjs/common';
import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { consumerGroupOf, deliveryTopicOf, outgoingTopicOf, stateTopicOf } from '@regsync/contracts/topics';
import { RecipientState } from '@regsync/data-protection/delivery-routing';
import { workspaceRoot } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { Outbox, RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { readBoundedLog, resolveLogRange } from '@regsync/event-replay/replay';
import { registerDatabaseChecksum } from '@regsync/event-replay/register-snapshots';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadRouterConfig } from '@regsync/apps/router/src/config';
import { RouterModule } from '@regsync/apps/router/src/router.module';
import { bootstrapInstance, formatBootstrap } from '@regsync/apps/replay/src/bootstrap/bootstrap.command';
import { rebuildInstance } from '@regsync/apps/replay/src/replay/rebuild.command';
import { loadReplayConfig } from '@regsync/apps/replay/src/replay-config';
import { targetInstance } from '@regsync/apps/replay/src/target-apps';
import { FlowEvents } from '@regsync/apps/replay/test/support/register-flow-events';
import { stateEnv, waitForNoLag } from '@regsync/apps/replay/test/support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';

const options = new Command()
  .addOption(new Option('--persons <n>', 'citizens of Osnabrück through the demo flows (a quarter each move, marry, die)').default('5000'))
  .addOption(new Option('--erase <share>', 'share of the persons erased before the second bootstrap').default('0.1'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'state-topic-latest.md')))
  .parse()
  .opts<{ persons: string; erase: string; out: string }>();

interface TopicSize {
  records: number;
  bytes: number;
  /** Keys whose latest record is not a tombstone. */
  liveKeys: number;
}

async function sizeOf(env: ReplayTestEnvironment, topic: string): Promise<TopicSize> {
  const admin = env.kafka.admin();
  await admin.connect();
  const ranges = await resolveLogRange(admin, { topics: [topic] }).finally(() => admin.disconnect());
  const latest = new Map<string, boolean>();
  let records = 0;
  let bytes = 0;
  await readBoundedLog(env.kafka, ranges, {
    groupPrefix: `${env.namespace}.bench-reader`,
    onChunk: async ({ messages }) => {
      for (const message of messages) {
        records++;
        bytes += message.value?.length ?? 0;
        latest.set(String(message.key), message.value !== null);
      }
    },
  });
  return { records, bytes, liveKeys: [...latest.values()].filter(Boolean).length };
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const started = Date.now();
  const persons = Number(options.persons);
  const env = await startReplayTestEnvironment('bench_state');
  const instance = targetInstance(loadReplayConfig(stateEnv(env, '03')), 'state-register', '03');
  let router: INestApplication | undefined;
  const lines: string[] = [];
  const log = (line: string) => {
    console.log(line);
    lines.push(line);
  };
  try {
    env.dropAtEnd(instanceDatabaseName('router', 'main', env.namespace));
    env.dropAtEnd(instance.databaseName);
    router = await startService(
      RouterModule.forRoot(
        loadRouterConfig({ ...kafkaEnvironmentOf(env.connection), DATABASE_URL: env.databaseUrl, SCHEMA_REGISTRY_URL: env.schemaRegistryUrl, NAMESPACE: env.namespace, HOST: '127.0.0.1', PORT: '1', ROUTED_INSTANCES: 'MUNICIPAL:03404000,MUNICIPAL:14612000,STATE:03,STATE:14,FEDERAL:DE' }),
      ),
      { title: 'router', host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport },
    );
    const routerApp = router;
    const routed = async () => {
      const outgoing = ['03404000', '14612000'].map((key) => outgoingTopicOf('municipal-register', key, env.namespace));
      await waitForNoLag(env.kafka, consumerGroupOf('router', 'main', env.namespace), outgoing, 600_000);
      await waitUntil('the router published its outbox', async () => ((await routerApp.get(DataSource).query('select count(*)::int as n from regsync_outbox where published_at is null')) as { n: number }[])[0].n === 0 || undefined, 600_000);
      // Committed is not yet readable everywhere: each partition's commit marker comes after the commit.
      for (const topic of [deliveryTopicOf('state-register', '03', env.namespace), stateTopicOf('state-register', '03', env.namespace)]) {
        const [{ rows }] = (await routerApp.get(DataSource).query('select count(*)::int as rows from regsync_outbox where topic = $1', [topic])) as { rows: number }[];
        await waitUntil(`every record of ${topic} readable`, async () => (await sizeOf(env, topic)).records === rows || undefined, 600_000);
      }
    };

    const flows = FlowEvents.demoFlowsForNiedersachsen(persons);
    const people = [...new Set(flows.events.map((event) => event.envelope.subject.id))];
    const routeStart = Date.now();
    for (const key of ['03404000', '14612000']) {
      await env.produce(outgoingTopicOf('municipal-register', key, env.namespace), flows.events.filter((event) => event.envelope.source.instanceKey === key));
    }
    await routed();
    const routeSeconds = (Date.now() - routeStart) / 1000;
    log(`routed ${flows.events.length} events of ${persons} persons in ${routeSeconds.toFixed(1)} s (${Math.round(flows.events.length / routeSeconds)} events/s, state records included)`);

    const deliveryTopic = deliveryTopicOf('state-register', '03', env.namespace);
    const stateTopic = stateTopicOf('state-register', '03', env.namespace);
    const rebuilt = await timed(() => rebuildInstance(loadReplayConfig(stateEnv(env, '03')), instance));
    const history = rebuilt.value;
    log(`rebuilt from the delivery history in ${rebuilt.seconds.toFixed(1)} s (database created and migrated, topics read, applied): ${history.appliedEvents} events applied in ${history.seconds.toFixed(1)} s of replay (${Math.round(history.appliedEvents / history.seconds)} events/s)`);
    await dropDatabase(env.databaseUrl, instance.databaseName);
    const first = await timed(() => bootstrapInstance(instance));
    log(formatBootstrap(first.value, instance.databaseName).replace(env.namespace, '<ns>'));
    const firstChecksum = await registerDatabaseChecksum(instance.databaseUrl);
    log(`bootstrapped in ${first.seconds.toFixed(1)} s (database created and migrated, state topic read, applied); checksum ${firstChecksum.sha256 === history.after.sha256 ? 'EQUAL to' : 'DIFFERENT from'} the rebuild from history`);
    const beforeErasure = { delivery: await sizeOf(env, deliveryTopic), state: await sizeOf(env, stateTopic) };

    const erased = people.slice(0, Math.round(persons * Number(options.erase)));
    const eraseStart = Date.now();
    for (const idnr of erased) {
      await runAsAuthority('main', () =>
        routerApp.get(AuthorityDatabase).transaction(async (manager) => routerApp.get(Outbox).appendRecords(manager, await new RecipientState(env.namespace, (_app, authority) => authority).erase(manager, { kind: 'PERSON', id: idnr }, randomUUID()))),
      );
    }
    await routed();
    log(`erased ${erased.length} persons (tombstones on every state topic that held them) in ${((Date.now() - eraseStart) / 1000).toFixed(1)} s`);
    await dropDatabase(env.databaseUrl, instance.databaseName);
    const second = await timed(() => bootstrapInstance(instance));
    const residents = (await registerDatabaseChecksum(instance.databaseUrl)).tables.find((table) => table.table === 'state_residents')?.rows;
    log(`bootstrapped after the erasure in ${second.seconds.toFixed(1)} s: ${second.value.subjects} subjects, ${second.value.deliveries} deliveries, ${residents} residents (history: ${history.after.tables.find((table) => table.table === 'state_residents')?.rows})`);
    const afterErasure = { delivery: await sizeOf(env, deliveryTopic), state: await sizeOf(env, stateTopic) };

    const cpu = cpus();
    const report = [
      '# State topics: a new Land mirror database from its state topic or from its whole delivery history',
      '',
      `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg()[0].toFixed(1)}; ${new Date().toISOString()}, ${Math.round((Date.now() - started) / 1000)} s. ` +
        `\`npm run bench -- --state-topic --persons ${persons} --erase ${options.erase}\` (\`bench/state-topic/\`).`,
      '',
      '```',
      ...lines,
      '```',
      '',
      '| topic of Niedersachsen (03) | records | bytes of values | subjects with a current record |',
      '|---|---:|---:|---:|',
      `| deliveries | ${beforeErasure.delivery.records} | ${beforeErasure.delivery.bytes} | ${beforeErasure.delivery.liveKeys} |`,
      `| state, before the erasure (not compacted yet) | ${beforeErasure.state.records} | ${beforeErasure.state.bytes} | ${beforeErasure.state.liveKeys} |`,
      `| state, after erasing ${erased.length} (tombstones, not compacted yet) | ${afterErasure.state.records} | ${afterErasure.state.bytes} | ${afterErasure.state.liveKeys} |`,
      '',
      'The bootstrap reads the latest record per subject (what compaction leaves); until the broker compacts, it reads the older',
      'records too, as the table shows. The delivery topic keeps everything, also about the erased persons.',
      '',
    ].join('\n');
    mkdirSync(dirname(options.out), { recursive: true });
    writeFileSync(options.out, report);
    console.log(`report: ${options.out}`);
  } finally {
    await router?.close();
    await env.close();
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = Date.now();
  const value = await work();
  return { value, seconds: (Date.now() - start) / 1000 };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

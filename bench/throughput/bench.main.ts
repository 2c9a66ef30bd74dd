// `npm run bench` (tools/bench.mjs builds and starts the infrastructure, then runs this).
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes, randomInt } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { workspaceRoot } from '@regsync/local-stack/local-stack';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { benchRun, RunResult } from './bench-run';
import { BenchSpec } from './bench-spec';
import { moveEvent, moveWorkload } from './move-workload';
import { resultsReport, WireSizes } from './results-report';
import { SchemaRegistryProcess } from './schema-registry-process';
import { residenceRegisteredEncoders } from './wire-size';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';

const numbers = (value: string) => value.split(',').map((part) => Number(part.replace(/_/g, '')));

const options = new Command()
  .addOption(new Option('--sizes <list>', 'workload sizes (events) of the throughput runs').default('10000,100000'))
  .addOption(new Option('--pipelines <list>', 'raw, naive, regsync').default('raw,naive,regsync'))
  .addOption(new Option('--rate <n>', 'events/s of the latency runs').default('1000'))
  .addOption(new Option('--latency-seconds <n>', 'duration of each latency run').default('10'))
  .addOption(new Option('--transaction-size <n>', 'events per outbox transaction in (c)').default('100'))
  .addOption(new Option('--out <file>', 'where the markdown report goes').default(join(workspaceRoot(), 'bench', 'results', 'messaging-latest.md')))
  .parse()
  .opts<{ sizes: string; pipelines: string; rate: string; latencySeconds: string; transactionSize: string; out: string }>();

const environment = {
  kafka: loadKafkaConnection(),
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? '',
};

function wireSizes(events: number): WireSizes {
  const encoders = residenceRegisteredEncoders();
  let avroBytes = 0;
  let jsonBytes = 0;
  for (const move of moveWorkload(events)) {
    const event = moveEvent(move, new Date());
    avroBytes += encoders.avro(event).length;
    jsonBytes += encoders.json(event).length;
  }
  return { events, avroBytes: avroBytes / events, jsonBytes: jsonBytes / events };
}

/** (c) needs a schema registry; without SCHEMA_REGISTRY_URL the bench runs the project's own for the duration. */
async function withSchemaRegistry<T>(needed: boolean, body: (schemaRegistryUrl: string) => Promise<T>): Promise<T> {
  if (!needed || environment.schemaRegistryUrl) return body(environment.schemaRegistryUrl);
  const namespace = `bench_${randomBytes(3).toString('hex')}`;
  const registry = new SchemaRegistryProcess(18_000 + randomInt(1_000), environment.databaseUrl, namespace);
  await registry.start();
  try {
    return await body(registry.url);
  } finally {
    await registry.stop();
    await dropDatabase(environment.databaseUrl, instanceDatabaseName('schema_registry', undefined, namespace));
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const pipelines = options.pipelines.split(',') as BenchSpec['pipeline'][];
  await withSchemaRegistry(pipelines.includes('regsync'), (schemaRegistryUrl) => measure(startedAt, pipelines, schemaRegistryUrl));
}

async function measure(startedAt: Date, pipelines: BenchSpec['pipeline'][], schemaRegistryUrl: string): Promise<void> {
  const rate = Number(options.rate);
  const common = { ...environment, schemaRegistryUrl, rate, transactionSize: Number(options.transactionSize) };
  const throughput: RunResult[] = [];
  const latency: RunResult[] = [];
  for (const count of numbers(options.sizes)) {
    for (const pipeline of pipelines) {
      console.log(`bench: ${pipeline} throughput, ${count.toLocaleString('en-US')} events ...`);
      const run = await benchRun({ ...common, pipeline, mode: 'throughput', count });
      console.log(`bench:   ${Math.round(run.eventsPerSecond)} events/s in ${run.seconds.toFixed(1)} s`);
      throughput.push(run);
    }
  }
  for (const pipeline of pipelines) {
    console.log(`bench: ${pipeline} latency at ${rate} events/s for ${options.latencySeconds} s ...`);
    const run = await benchRun({ ...common, pipeline, mode: 'latency', count: rate * Number(options.latencySeconds) });
    console.log(`bench:   p50 ${run.consumer.latencyMs!.p50} ms, p99 ${run.consumer.latencyMs!.p99} ms`);
    latency.push(run);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, Kafka at ${environment.kafka.brokers.join(',')}`;
  const markdown = resultsReport({ startedAt, minutes: (Date.now() - startedAt.getTime()) / 60_000, machine, rate, throughput, latency, wire: wireSizes(10_000) });
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, markdown);
  console.log(`\n${markdown}\nbench: written to ${options.out}`);
}

main().catch((error) => {
  console.error('bench:', error);
  process.exit(1);
});

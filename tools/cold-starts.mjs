#!/usr/bin/env node
// `npm run cold-starts [-- --runs 10]`: starts the whole local stack again and again, each time against a brand-new
// Kafka broker (its own port and data directory, not the broker of `npm test`), with the page cache dropped first
// when run as root, the way a newcomer's first `npm start` meets it. Prints how long broker and stack took per run
// and exits 1 if any start failed. Builds dist/ first.
import { spawnSync } from 'node:child_process';
import { writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DEFAULT_DATABASE_URL, adminConnection, clusterLayout, postgresCheck, prepareKafkaRuntime, startCluster, stopBroker } from './infra/infra.mjs';

const require = createRequire(import.meta.url);
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : 10;
const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
const layout = clusterLayout(1, { name: 'cold-start', basePort: 39092 });

await postgresCheck(databaseUrl);
prepareKafkaRuntime();
if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const { LocalStack, localBrokerCredentials } = require('../dist/libs/local-stack/src/local-stack.js');
const { dropNamespaceDatabases } = require('../dist/libs/persistence/src/ensure-database.js');

function dropPageCache() {
  spawnSync('sync');
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

const results = [];
for (let run = 1; run <= runs; run++) {
  await Promise.all(layout.brokers.map((broker) => stopBroker(broker)));
  rmSync(layout.root, { recursive: true, force: true });
  const cacheDropped = dropPageCache();
  const namespace = `cold${run}${Date.now().toString(36)}`;
  const output = [];
  const stack = new LocalStack({ kafkaBrokers: layout.bootstrap, brokerCredentials: localBrokerCredentials(adminConnection(layout.bootstrap)), databaseUrl, namespace, portOffset: 4000, onLine: (name, line) => output.push(`[${name}] ${line}`) });
  const started = Date.now();
  let result;
  try {
    const broker = await startCluster(layout);
    const stackStarted = Date.now();
    await stack.start();
    result = { run, ok: true, brokerMs: broker.readyMs, stackMs: Date.now() - stackStarted, totalMs: Date.now() - started, cacheDropped };
  } catch (error) {
    result = { run, ok: false, error: error.message, totalMs: Date.now() - started, cacheDropped };
    console.error(output.filter((line) => !line.includes(' LOG ')).slice(-40).join('\n'));
  }
  const phases = output.filter((line) => line.includes('start-up')).length;
  console.log(`cold-starts: run ${run}/${runs} ${result.ok ? 'ready' : `FAILED: ${result.error}`} — broker ${result.brokerMs ?? '-'} ms, stack ${result.stackMs ?? '-'} ms (${phases} start-up lines logged)`);
  results.push(result);
  await stack.stop();
  await Promise.all(layout.brokers.map((broker) => stopBroker(broker)));
  await dropNamespaceDatabases(databaseUrl, namespace);
}
rmSync(layout.root, { recursive: true, force: true });

const ok = results.filter((result) => result.ok);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log('\n| run | result | brand-new broker ready (ms) | all services ready (ms) | page cache dropped |\n|---:|---|---:|---:|---|');
for (const r of results) console.log(`| ${r.run} | ${r.ok ? 'ready' : `failed: ${r.error}`} | ${r.brokerMs ?? '-'} | ${r.stackMs ?? '-'} | ${r.cacheDropped ? 'yes' : 'no'} |`);
if (ok.length > 0) {
  const stack = ok.map((r) => r.stackMs);
  console.log(`\n${ok.length}/${results.length} ready; services ready after median ${median(stack)} ms (min ${Math.min(...stack)}, max ${Math.max(...stack)}); broker median ${median(ok.map((r) => r.brokerMs))} ms`);
}
process.exit(ok.length === results.length ? 0 : 1);

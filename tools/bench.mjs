#!/usr/bin/env node
// `npm run bench [-- --clients 1,8,32 --rates 50,100]`: builds, checks PostgreSQL, starts Kafka unless it runs,
// measures the product path (see bench/README.md), stops what it started. `npm run bench -- --messaging [--sizes ...]`
// runs the messaging-only micro-benchmark instead, `npm run bench -- --fan-out [--municipalities 6,60]` the reads,
// decodes and writes per event with 6 and 60 municipalities configured, `npm run bench -- --baseline [--clients 1,32]`
// the product path beside the fair NestJS baseline and the raw ceiling, `npm run bench -- --hops [--actions 40]` where one
// client's end-to-end time goes, hop by hop, `npm run bench -- --state-topic [--persons 5000]` a Land mirror started from
// its state topic beside one rebuilt from its history, `npm run bench -- --crypto [--log-sizes 20,200]` the cost of
// sealing per event and of an erasure, `npm run bench -- --router [--persons 5000]` the router alone (events/s), `npm run
// scale` (`--scale`) the Germany-shaped topology (bench/scale/scale.main.ts).
// `--dist <dir>` runs a build made elsewhere; `--brokers 3` runs on the 3-broker cluster (127.0.0.1:29092..; replication 3,
// min.insync.replicas 2), started and stopped like the single broker.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminEnvironment, kafkaDown, kafkaUp, postgresCheck } from './infra/infra.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const distFlag = args.indexOf('--dist');
const dist = distFlag >= 0 ? args.splice(distFlag, 2)[1] : 'dist';
const brokersFlag = args.indexOf('--brokers');
const brokers = brokersFlag >= 0 ? Number(args.splice(brokersFlag, 2)[1]) : 1;
if (![1, 3].includes(brokers)) {
  console.error('bench: --brokers takes 1 or 3');
  process.exit(1);
}
const modes = {
  '--messaging': join('bench', 'throughput', 'bench.main.js'),
  '--fan-out': join('bench', 'fan-out', 'fan-out.main.js'),
  '--baseline': join('bench', 'baseline', 'side-by-side.main.js'),
  '--state-topic': join('bench', 'state-topic', 'state-topic.main.js'),
  '--hops': join('bench', 'product-path', 'hop-timing.main.js'),
  '--crypto': join('bench', 'crypto', 'crypto.main.js'),
  '--scale': join('bench', 'scale', 'scale.main.js'),
  '--router': join('bench', 'router', 'router-throughput.main.js'),
};
const mode = Object.keys(modes).find((flag) => args.includes(flag));
if (mode) args.splice(args.indexOf(mode), 1);
const main = mode ? modes[mode] : join('bench', 'product-path', 'product-path.main.js');
if (distFlag < 0 && spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: root }).status !== 0) process.exit(1);

await postgresCheck();
const kafka = await kafkaUp(brokers);
let status = 1;
try {
  status = spawnSync(process.execPath, [join(root, dist, main), ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...adminEnvironment(), KAFKA_BROKERS: kafka.bootstrap },
  }).status ?? 1;
} finally {
  if (kafka.started) await kafkaDown(brokers);
}
process.exit(status);

#!/usr/bin/env node
// `npm run scale [-- --persons 20000 --concurrency 32 --municipal-providers 4 --pool 3]`: builds, checks PostgreSQL,
// starts Kafka unless it runs, then runs the Germany-shaped scale benchmark (bench/scale/scale.main.ts, issue 14) and
// stops what it started. `--dist <dir>` runs a build made elsewhere. Report: bench/results/scale-latest.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminEnvironment, kafkaDown, kafkaUp, postgresCheck } from '../infra/infra.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..', '..');
const args = process.argv.slice(2);
const distFlag = args.indexOf('--dist');
const dist = distFlag >= 0 ? args.splice(distFlag, 2)[1] : 'dist';
if (distFlag < 0 && spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: root }).status !== 0) process.exit(1);

await postgresCheck();
const kafka = await kafkaUp(1);
let status = 1;
try {
  // SIGINT reaches the child too (same process group): it stops its stack and drops what it made, then exits.
  process.on('SIGINT', () => undefined);
  status = spawnSync(process.execPath, [join(root, dist, 'bench', 'scale', 'scale.main.js'), ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...adminEnvironment(), KAFKA_BROKERS: kafka.bootstrap },
  }).status ?? 1;
} finally {
  if (kafka.started) await kafkaDown(1);
}
process.exit(status);

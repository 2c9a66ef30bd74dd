#!/usr/bin/env node
// `npm test`: type check, lint, build once (end-to-end tests run the services from dist/), make sure the headless
// browser of the dashboard test and promtool are there, start Kafka if it is not running, run every Jest project, stop what it started.
import { spawnSync } from 'node:child_process';
import { ensureDebianTools } from './ensure-debian-tools.mjs';
import { adminEnvironment, kafkaDown, kafkaUp, postgresCheck } from './infra/infra.mjs';

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  return result.status ?? 1;
}

const steps = [
  ['contract types', 'npm', ['run', '--silent', 'contracts:generate']],
  ['type check', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['lint', 'node', ['tools/lint.mjs']],
  ['build', 'node', ['tools/build.mjs']],
];
for (const [name, command, args] of steps) {
  console.log(`test: ${name}`);
  if (run(command, args) !== 0) {
    console.error(`test: ${name} failed`);
    process.exit(1);
  }
}

ensureDebianTools();
await postgresCheck();
const kafka = await kafkaUp(1);
let status = 1;
try {
  status = run('npx', ['jest', '--ci', ...process.argv.slice(2)], { ...process.env, ...adminEnvironment(), REGSYNC_BUILT: '1' });
} finally {
  if (kafka.started) await kafkaDown(1);
}
process.exit(status);

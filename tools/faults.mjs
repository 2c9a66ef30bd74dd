#!/usr/bin/env node
// `npm run faults [-- --events 2000 --rate 200 --persons 60 --scenarios writer-kill,router-kill,poison-burst --seed 42]`: builds, checks
// PostgreSQL, starts the single broker unless it runs (and the 3-broker cluster for broker faults), runs every fault
// scenario of bench/faults/fault-scenarios.ts on the routed layout (writer, router, register, each its own broker
// principal) and exits non-zero if any lost or duplicated an effect. `--dist <dir>`: prebuilt. The default size keeps
// a scenario at about 2-4 minutes on 2 cores.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianTools } from './ensure-debian-tools.mjs';
import * as infra from './infra/infra.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const dist = flag('dist', 'dist');
if (!args.includes('--dist') && spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit', cwd: root }).status !== 0) process.exit(1);

const require = createRequire(import.meta.url);
const { runFaultSuite, DEFAULT_FAULT_REPORT } = require(join(root, dist, 'bench', 'faults', 'fault-suite.js'));
const { FAULT_SCENARIOS } = require(join(root, dist, 'bench', 'faults', 'fault-scenarios.js'));

// iptables for the network partitions, libfaketime for the clock skew.
ensureDebianTools();
const databaseUrl = process.env.DATABASE_URL ?? infra.DEFAULT_DATABASE_URL;
await infra.postgresCheck(databaseUrl);
const kafka = await infra.kafkaUp(1);
let ok = false;
try {
  ok = await runFaultSuite(
    {
      events: Number(flag('events', '2000')),
      rate: Number(flag('rate', '200')),
      transactionSize: Number(flag('transaction-size', '50')),
      persons: Number(flag('persons', '60')),
      scenarios: flag('scenarios', FAULT_SCENARIOS.map((scenario) => scenario.name).join(',')).split(','),
      seed: Number(flag('seed', String(randomInt(1, 2 ** 31)))),
      out: flag('out', DEFAULT_FAULT_REPORT),
      kafka: infra.adminConnection(kafka.bootstrap),
      databaseUrl,
    },
    infra,
  );
} finally {
  if (kafka.started) await infra.kafkaDown(1);
}
process.exit(ok ? 0 : 1);

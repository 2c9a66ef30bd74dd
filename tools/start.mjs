#!/usr/bin/env node
// `npm start`: Kafka and PostgreSQL (started if needed), the schema registry and every register instance of
// deploy/local/topology.json as separate processes with prefixed logs; then the demo scenario. Ctrl-C stops all.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { DEFAULT_DATABASE_URL, adminConnection, kafkaDown, kafkaUp, postgresCheck } from './infra/infra.mjs';

const require = createRequire(import.meta.url);
const colours = [36, 33, 35, 32, 34, 31, 96, 93];
const noDemo = process.argv.includes('--no-demo');

function prefixer() {
  const assigned = new Map();
  return (name, line) => {
    if (!assigned.has(name)) assigned.set(name, colours[assigned.size % colours.length]);
    const tag = `[${name}]`.padEnd(22);
    console.log(process.stdout.isTTY ? `\x1b[${assigned.get(name)}m${tag}\x1b[0m ${line}` : `${tag} ${line}`);
  };
}

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
console.log(`start: PostgreSQL ${await postgresCheck(databaseUrl)} at ${databaseUrl}`);
const kafka = await kafkaUp(1);

if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const { LocalStack, localBrokerCredentials } = require('../dist/libs/local-stack/src/local-stack.js');

const stack = new LocalStack({
  kafkaBrokers: kafka.bootstrap,
  // each service as its own broker principal (the local broker's generated credentials), or all as KAFKA_USERNAME
  brokerCredentials: localBrokerCredentials(adminConnection(kafka.bootstrap)),
  databaseUrl,
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL,
  onLine: prefixer(),
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('start: stopping services ...');
  await stack.stop();
  if (kafka.started) await kafkaDown(1);
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  await stack.start();
  console.log('start: all services healthy');
  console.log(`start: ops dashboard ${stack.dashboardUrl}: log in (local IdP ${stack.idpUrl}, passwords new at each start) as`);
  for (const user of stack.dashboardUsers) console.log(`start:   ${user.username.padEnd(8)} ${user.password}  ${user.roles.join(', ')}`);
  if (!noDemo) {
    const { playDemo } = require('../dist/libs/local-stack/src/demo-scenario.js');
    await playDemo(stack, (line) => console.log(line));
  }
  console.log('start: running; press Ctrl-C to stop');
} catch (error) {
  console.error(`start: ${error.message}`);
  await stop(1);
}

#!/usr/bin/env node
// `npm start`: Kafka and PostgreSQL (started if needed), the schema registry and every register instance of
// deploy/local/topology.json as separate processes; then the demo scenario. The terminal shows a short summary and
// the progress (which service is up, the demo's steps and results); every service's full log (JSON lines, with trace
// ids) goes to .cache/logs/<service>.log, errors also to the terminal. Ctrl-C stops all. With --monitoring, also Debian's
// Prometheus (installed if missing) scraping every service with deploy/prometheus/alerts.yaml; the dashboard shows its alerts.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { ensureDebianTools } from './ensure-debian-tools.mjs';
import { DEFAULT_DATABASE_URL, adminConnection, kafkaDown, kafkaUp, postgresCheck } from './infra/infra.mjs';

const require = createRequire(import.meta.url);
const noDemo = process.argv.includes('--no-demo');
const monitoring = process.argv.includes('--monitoring');
const logDir = join(import.meta.dirname, '..', '.cache', 'logs');

/** One log file per service, new at each start; its error lines (JSON, level error or fatal) also to the terminal. */
function serviceLogs() {
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const files = new Map();
  return (name, line) => {
    if (!files.has(name)) files.set(name, createWriteStream(join(logDir, `${name.replace(/\s+/g, '-')}.log`)));
    files.get(name).write(`${line}\n`);
    const entry = jsonOf(line);
    if (entry?.level === 'error' || entry?.level === 'fatal') console.log(`start: ${name}: ${entry.message}`);
  };
}

function jsonOf(line) {
  try {
    return line.startsWith('{') ? JSON.parse(line) : undefined;
  } catch {
    return undefined;
  }
}

const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
console.log(`start: PostgreSQL ${await postgresCheck(databaseUrl)} at ${databaseUrl}`);
const kafka = await kafkaUp(1);

if (spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const { LocalStack, localBrokerCredentials } = require('../dist/libs/local-stack/src/local-stack.js');
const { LocalPrometheus, LOCAL_PROMETHEUS_PORT } = require('../dist/libs/local-stack/src/local-prometheus.js');
if (monitoring) ensureDebianTools();
const prometheusUrl = monitoring ? `http://127.0.0.1:${LOCAL_PROMETHEUS_PORT}` : undefined;

const logLine = serviceLogs();
const stack = new LocalStack({
  kafkaBrokers: kafka.bootstrap,
  // each service as its own broker principal (the local broker's generated credentials), or all as KAFKA_USERNAME
  brokerCredentials: localBrokerCredentials(adminConnection(kafka.bootstrap)),
  databaseUrl,
  schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL,
  prometheusUrl,
  onLine: logLine,
  onReady: (name, url) => console.log(`start:   up  ${name.padEnd(20)} ${url}`),
});

const prometheus = monitoring
  ? new LocalPrometheus({
      port: LOCAL_PROMETHEUS_PORT,
      dataDir: join(import.meta.dirname, '..', '.cache', 'prometheus'),
      targets: stack.scrapeTargets,
      alertsManifest: join(import.meta.dirname, '..', 'deploy', 'prometheus', 'alerts.yaml'),
      onLine: (line) => logLine('prometheus', line),
    })
  : undefined;

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('start: stopping services ...');
  await stack.stop();
  await prometheus?.stop();
  if (kafka.started) await kafkaDown(1);
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

try {
  console.log(`start: starting ${stack.processCount} services; full logs in ${relative(process.cwd(), logDir) || '.'}/<service>.log`);
  await stack.start();
  console.log('start: all services healthy');
  if (prometheus) {
    await prometheus.start();
    console.log(`start: prometheus ${prometheus.url} scrapes ${stack.scrapeTargets.length} services with deploy/prometheus/alerts.yaml (data in .cache/prometheus)`);
  }
  console.log(`start: ops dashboard ${stack.dashboardUrl}: log in (local IdP ${stack.idpUrl}, passwords new at each start) as`);
  for (const user of stack.dashboardUsers) console.log(`start:   ${user.username.padEnd(8)} ${user.password}  ${user.roles.join(', ')}`);
  if (!noDemo) {
    const { playDemo } = require('../dist/libs/local-stack/src/demo-scenario.js');
    await playDemo(stack, (line) => console.log(line));
  }
  console.log('start: running; press Ctrl-C to stop');
} catch (error) {
  console.error(`start: ${error.message}\nstart: every service's log is in ${relative(process.cwd(), logDir) || '.'}/`);
  await stop(1);
}

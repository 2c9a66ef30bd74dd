// RSS and PostgreSQL connections of one municipal process (from dist/) hosting 1 and 20 municipalities (AUTHORITIES).
// Not a test: node tools/build.mjs && node bench/tenancy/hosting-footprint.mjs (the broker and PostgreSQL running)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
const require = createRequire(import.meta.url);
const { adminEnvironment } = await import('../../tools/infra/infra.mjs');
const { newRegistryCredential, basicAuthUsersOf, registryUrlWithCredential } = require('../../dist/libs/contracts/src/schema-registry-connection.js');
const { instanceDatabaseName } = require('../../dist/libs/persistence/src/database-url.js');
const { dropNamespaceDatabases } = require('../../dist/libs/persistence/src/ensure-database.js');
const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const namespace = `hmeasure${Math.random().toString(16).slice(2, 8)}`;
const base = { ...process.env, ...adminEnvironment(), KAFKA_BROKERS: '127.0.0.1:9092', DATABASE_URL, NAMESPACE: namespace, HOST: '127.0.0.1', OTEL_SDK_DISABLED: 'true' };
const { kafkaClient } = require('../../dist/libs/messaging/src/kafka-client.js');
const { loadKafkaConnection } = require('../../dist/libs/service-runtime/src/service-config.js');
async function deleteTopicsOf(namespace) {
  const admin = kafkaClient(loadKafkaConnection(base), { clientId: 'measure-hosting', logLevel: 0 }).admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.disconnect();
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
function start(script, env) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../../dist/${script}`, import.meta.url))], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  child.stdout.on('data', (d) => lines.push(String(d)));
  child.stderr.on('data', (d) => lines.push(String(d)));
  children.push(child);
  return { child, lines };
}
async function healthy(url, proc, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode) throw new Error(`ended: ${proc.lines.join('').slice(-3000)}`);
    const answered = await fetch(url).then((response) => response.ok, () => false);
    if (answered) return;
    await sleep(500);
  }
  throw new Error(`not healthy: ${url}\n${proc.lines.join('').slice(-3000)}`);
}
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const credential = newRegistryCredential();
const registry = start('apps/schema-registry/src/main.js', { PORT: '48181', BASIC_AUTH_USERS: basicAuthUsersOf(credential) });
await healthy('http://127.0.0.1:48181/subjects', registry);
const registryUrl = registryUrlWithCredential('http://127.0.0.1:48181', credential);
const results = [];
try {
  for (const [count, port] of [[1, 48182], [20, 48183]]) {
    const key = `prov${count}`;
    const authorities = Array.from({ length: count }, (_, i) => ({ key: `0340${String(4000 + i).padStart(4, '0')}`, agencies: { [`buergeramt-${i}`]: `key-${key}-${i}-xxxxxxxx` } }));
    const proc = start('apps/municipal-register/src/main.js', { PORT: String(port), INSTANCE_KEY: key, AGENCY_API_KEYS: `operators:operators-${key}-xxxxxxxx`, AUTHORITIES: JSON.stringify(authorities), SCHEMA_REGISTRY_URL: registryUrl });
    const t0 = Date.now();
    await healthy(`http://127.0.0.1:${port}/health`, proc);
    const readyMs = Date.now() - t0;
    // One read per hosted authority, so every authority's role has been taken on the pool.
    for (const [i] of authorities.entries()) await fetch(`http://127.0.0.1:${port}/residents`, { headers: { 'x-api-key': `key-${key}-${i}-xxxxxxxx` } });
    const connections = async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where datname = $1`, [instanceDatabaseName('municipal', key, namespace)]);
      await client.end();
      return rows[0].n;
    };
    const afterReads = await connections();
    await sleep(15_000);
    results.push({ authorities: count, readyMs, rssMb: Math.round(rssMb(proc.child.pid)), connectionsAfterReads: afterReads, connectionsIdle: await connections() });
    proc.child.kill('SIGTERM');
    await new Promise((r) => proc.child.once('exit', r));
  }
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await sleep(2000);
  await dropNamespaceDatabases(DATABASE_URL, namespace);
  await deleteTopicsOf(namespace);
}
console.log(JSON.stringify(results));

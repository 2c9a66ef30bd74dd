#!/usr/bin/env node
// Local infrastructure without Docker: a real Apache Kafka (KRaft) from Maven Central jars, run with the
// local JDK, with SASL/SCRAM-SHA-512 and ACLs, and the PostgreSQL server at DATABASE_URL.
// Usage: infra.mjs up|down|status [--brokers 3]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Partitioners, logLevel } from 'kafkajs';
import pg from 'pg';
import { requireTypeScript } from './typescript-module.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = join(here, '..', '..');
const cacheDir = join(workspaceRoot, '.cache', 'kafka');
const libsDir = join(cacheDir, 'libs');
const toolsDir = join(cacheDir, 'tools');
const credentialsFile = join(cacheDir, 'credentials.json');
const log4jConfig = `-Dlog4j2.configurationFile=${join(here, 'log4j2.properties')}`;

const { ADMIN_PRINCIPAL, brokerPrincipalsOf } = requireTypeScript(join(workspaceRoot, 'libs', 'contracts', 'src', 'broker-principals.ts'));
const { kafkaClient } = requireTypeScript(join(workspaceRoot, 'libs', 'messaging', 'src', 'kafka-client.ts'));
const { loadKafkaConnection } = requireTypeScript(join(workspaceRoot, 'libs', 'service-runtime', 'src', 'service-config.ts'));

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Ports of a cluster: the single broker sits on Kafka's default port, the 3-broker fault cluster beside it. A named
 * cluster (`name`, `basePort`) has a data directory of its own, e.g. the brand-new brokers of `npm run cold-starts`.
 */
export function clusterLayout(brokerCount, { name = String(brokerCount), basePort = brokerCount === 1 ? 9092 : 29092 } = {}) {
  const root = join(cacheDir, `cluster-${name}`);
  const brokers = Array.from({ length: brokerCount }, (_, index) => ({
    nodeId: index + 1,
    port: basePort + index * 2,
    controllerPort: basePort + index * 2 + 1,
    dir: join(root, `broker-${index + 1}`),
  }));
  return { brokerCount, root, brokers, bootstrap: brokers.map((b) => `127.0.0.1:${b.port}`).join(',') };
}

/**
 * The local brokers' SCRAM credentials, generated on first use into .cache (git-ignored), one principal per register
 * instance of deploy/local/topology.json plus router, ops-dashboard, replay and the admin super user. Every local
 * cluster is formatted with them.
 */
export function localBrokerCredentials() {
  if (!existsSync(credentialsFile)) {
    const topology = JSON.parse(readFileSync(join(workspaceRoot, 'deploy', 'local', 'topology.json'), 'utf8'));
    const passwords = Object.fromEntries(brokerPrincipalsOf(topology).map((principal) => [principal, randomBytes(24).toString('base64url')]));
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(credentialsFile, `${JSON.stringify({ mechanism: 'scram-sha-512', admin: ADMIN_PRINCIPAL, passwords }, null, 2)}\n`, { mode: 0o600 });
  }
  return JSON.parse(readFileSync(credentialsFile, 'utf8'));
}

/** The admin's connection to `bootstrap`: the local credentials, or KAFKA_USERNAME/KAFKA_PASSWORD for KAFKA_BROKERS. */
export function adminConnection(bootstrap) {
  if (usesEnvironmentCredentials()) return { ...loadKafkaConnection(process.env), brokers: bootstrap.split(',') };
  const { mechanism, admin, passwords } = localBrokerCredentials();
  return { brokers: bootstrap.split(','), sasl: { mechanism, username: admin, password: passwords[admin] } };
}

/** The environment that makes tests and tools connect as the admin (unless KAFKA_USERNAME names someone else). */
export function adminEnvironment() {
  if (usesEnvironmentCredentials()) return {};
  const { mechanism, admin, passwords } = localBrokerCredentials();
  return { KAFKA_SASL_MECHANISM: mechanism, KAFKA_USERNAME: admin, KAFKA_PASSWORD: passwords[admin] };
}

/** KAFKA_USERNAME names the principal, or KAFKA_BROKERS is a cluster of somebody else (no local credentials here). */
function usesEnvironmentCredentials() {
  return Boolean(process.env.KAFKA_USERNAME) || (Boolean(process.env.KAFKA_BROKERS) && !existsSync(credentialsFile));
}

class InfraError extends Error {}

function requireCommand(command, args, installHint) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new InfraError(`${command} is required but was not found or does not run. ${installHint}`);
  }
}

function fetchKafkaJars() {
  fetchJars('Apache Kafka jars', 'kafka-runtime.pom.xml', libsDir, 'kafka_2.13');
}

/** Fetches the jars of `pom` unless `<artifact>-<the pom's Kafka version>.jar` is there; jars of another version go. */
function fetchJars(what, pom, outputDirectory, artifact) {
  const version = /<kafka\.version>([^<]+)</.exec(readFileSync(join(here, pom), 'utf8'))[1];
  if (existsSync(join(outputDirectory, `${artifact}-${version}.jar`))) return;
  rmSync(outputDirectory, { recursive: true, force: true });
  requireCommand('mvn', ['-v'], 'Install Apache Maven (Debian: apt-get install maven).');
  console.log(`infra: fetching ${what} from Maven Central (once) ...`);
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', join(here, pom), 'dependency:copy-dependencies', `-DoutputDirectory=${outputDirectory}`, '-DincludeScope=runtime'],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) throw new InfraError(`mvn could not fetch the ${what} (see the Maven output above).`);
}

/** Kafka's own command-line tools by the name of their shell script (kafka-<name>.sh), run with the local JDK. */
export const KAFKA_TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  groups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
  offsets: 'org.apache.kafka.tools.GetOffsetShell',
};

/** Runs one of KAFKA_TOOLS against `bootstrap` (unless `args` name a --bootstrap-server) and returns its exit code. */
export function runKafkaTool(tool, args, bootstrap) {
  requireCommand('java', ['-version'], 'Install a Java runtime, version 17 or newer (Debian: apt-get install openjdk-17-jre-headless).');
  fetchJars("Apache Kafka's operator tools", 'kafka-tools.pom.xml', toolsDir, 'kafka-tools');
  const target = args.includes('--bootstrap-server') ? [] : ['--bootstrap-server', bootstrap];
  const commandConfig = args.includes('--command-config') ? [] : ['--command-config', clientPropertiesFile(adminConnection(bootstrap))];
  const result = spawnSync('java', ['-cp', join(toolsDir, '*'), log4jConfig, KAFKA_TOOLS[tool], ...target, ...commandConfig, ...args], { stdio: 'inherit' });
  return result.status ?? 1;
}

/** Kafka's Java client settings for a connection (the tools' --command-config), in a file only the owner reads. */
function clientPropertiesFile(connection) {
  const file = join(cacheDir, 'admin-client.properties');
  const lines = connection.sasl
    ? [
        'security.protocol=SASL_PLAINTEXT',
        `sasl.mechanism=${connection.sasl.mechanism.toUpperCase()}`,
        `sasl.jaas.config=${jaasLogin(connection.sasl.mechanism === 'plain' ? 'plain.PlainLoginModule' : 'scram.ScramLoginModule', connection.sasl.username, connection.sasl.password)}`,
      ]
    : [];
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

function jaasLogin(loginModule, username, password, extra = '') {
  return `org.apache.kafka.common.security.${loginModule} required username="${username}" password="${password}"${extra};`;
}

function brokerProperties(layout, broker) {
  const replication = Math.min(3, layout.brokerCount);
  const { admin, passwords } = localBrokerCredentials();
  const adminPassword = passwords[admin];
  return [
    'process.roles=broker,controller',
    `node.id=${broker.nodeId}`,
    `controller.quorum.voters=${layout.brokers.map((b) => `${b.nodeId}@127.0.0.1:${b.controllerPort}`).join(',')}`,
    `listeners=SASL_PLAINTEXT://127.0.0.1:${broker.port},CONTROLLER://127.0.0.1:${broker.controllerPort}`,
    `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${broker.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'inter.broker.listener.name=SASL_PLAINTEXT',
    // Clients and brokers authenticate with SCRAM (credentials in the cluster metadata); the controllers with PLAIN,
    // because SCRAM credentials live in the metadata the controllers serve. Only the admin may use either listener.
    'sasl.enabled.mechanisms=SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${jaasLogin('scram.ScramLoginModule', admin, adminPassword)}`,
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=${jaasLogin('plain.PlainLoginModule', admin, adminPassword, ` user_${admin}="${adminPassword}"`)}`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${admin}`,
    'allow.everyone.if.no.acl.found=false',
    `log.dirs=${join(broker.dir, 'data')}`,
    `default.replication.factor=${replication}`,
    `min.insync.replicas=${layout.brokerCount >= 3 ? 2 : 1}`,
    `offsets.topic.replication.factor=${replication}`,
    // Kafka's default of 50 partitions each is sized for large clusters; on one local broker every partition is
    // created and loaded on first use, which delays a new broker's first transaction and group join.
    `offsets.topic.num.partitions=${layout.brokerCount === 1 ? 6 : 12}`,
    `transaction.state.log.num.partitions=${layout.brokerCount === 1 ? 6 : 12}`,
    `transaction.state.log.replication.factor=${replication}`,
    `transaction.state.log.min.isr=${layout.brokerCount >= 3 ? 2 : 1}`,
    'num.partitions=6',
    'auto.create.topics.enable=false',
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=-1',
    'log.segment.bytes=67108864',
    '',
  ].join('\n');
}

function pidOf(broker) {
  const pidFile = join(broker.dir, 'kafka.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

function classpath() {
  return join(libsDir, '*');
}

/** Formats a new broker's storage with the SCRAM credentials of every principal (KRaft keeps them in its metadata). */
function formatStorage(layout, broker, clusterId) {
  if (existsSync(join(broker.dir, 'data', 'meta.properties'))) {
    if (!existsSync(join(broker.dir, 'scram-sha-512'))) {
      throw new InfraError(`${broker.dir} was formatted without SASL/SCRAM credentials (before Kafka 4 and broker security): stop it and delete ${layout.root}, then start again`);
    }
    return;
  }
  mkdirSync(join(broker.dir, 'data'), { recursive: true });
  const { mechanism, passwords } = localBrokerCredentials();
  const scram = Object.entries(passwords).flatMap(([name, password]) => ['--add-scram', `${mechanism.toUpperCase()}=[name=${name},password=${password}]`]);
  const result = spawnSync(
    'java',
    ['-cp', classpath(), log4jConfig, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', join(broker.dir, 'server.properties'), '--ignore-formatted', ...scram],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new InfraError(`formatting Kafka storage failed:\n${result.stdout}${result.stderr}`);
  writeFileSync(join(broker.dir, 'scram-sha-512'), 'the storage was formatted with the SCRAM credentials of .cache/kafka/credentials.json\n');
}

export function startBroker(layout, broker) {
  if (pidOf(broker)) return;
  const log = openSync(join(broker.dir, 'kafka.log'), 'a');
  const child = spawn(
    'java',
    ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-cp', classpath(), log4jConfig, 'kafka.Kafka', join(broker.dir, 'server.properties')],
    { detached: true, stdio: ['ignore', log, log] },
  );
  writeFileSync(join(broker.dir, 'kafka.pid'), String(child.pid));
  child.unref();
}

export async function stopBroker(broker, signal = 'SIGTERM') {
  const pid = pidOf(broker);
  if (!pid) return;
  process.kill(pid, signal);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  process.kill(pid, 'SIGKILL');
}

export async function waitForKafka(bootstrap, expectedBrokers, timeoutMs = 90_000) {
  const kafka = kafkaClient(adminConnection(bootstrap), { clientId: 'regsync-infra', logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length >= expectedBrokers && cluster.controller !== null) return cluster;
      lastError = new Error(`${cluster.brokers.length} of ${expectedBrokers} brokers registered`);
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const refused = lastError?.name === 'KafkaJSSASLAuthenticationError'
    ? ': it refuses these credentials; for a broker of another checkout set KAFKA_USERNAME and KAFKA_PASSWORD to the admin of its .cache/kafka/credentials.json'
    : '';
  throw new InfraError(`Kafka at ${bootstrap} did not answer within ${timeoutMs / 1000}s: ${lastError?.message}${refused}`);
}

export async function kafkaUp(brokerCount = 1) {
  if (process.env.KAFKA_BROKERS) {
    console.log(`infra: using the existing Kafka cluster at ${process.env.KAFKA_BROKERS}`);
    return { bootstrap: process.env.KAFKA_BROKERS, started: false };
  }
  prepareKafkaRuntime();
  const layout = clusterLayout(brokerCount);
  if (!layout.brokers.some((broker) => pidOf(broker)) && (await kafkaAnswers(layout.bootstrap, brokerCount))) {
    // a broker from another checkout (or started by hand) already serves these ports: use it, never stop it
    console.log(`infra: using the Kafka already answering at ${layout.bootstrap}`);
    return { bootstrap: layout.bootstrap, started: false };
  }
  const alreadyRunning = layout.brokers.every((broker) => pidOf(broker));
  const timings = await startCluster(layout);
  console.log(
    alreadyRunning
      ? `infra: Kafka already running at ${layout.bootstrap}`
      : `infra: Kafka (KRaft, ${brokerCount} broker${brokerCount > 1 ? 's' : ''}) ready at ${layout.bootstrap} after ${timings.readyMs} ms ` +
          `(answering after ${timings.answeringMs} ms, transaction and group coordinators warmed up in ${timings.readyMs - timings.answeringMs} ms)`,
  );
  return { bootstrap: layout.bootstrap, started: !alreadyRunning };
}

/** Java and Kafka's jars (fetched from Maven Central once). */
export function prepareKafkaRuntime() {
  requireCommand('java', ['-version'], 'Install a Java runtime, version 17 or newer (Debian: apt-get install openjdk-17-jre-headless).');
  fetchKafkaJars();
}

/** Formats (once) and starts every broker of `layout` that is not running, waits until it answers and warms it up. */
export async function startCluster(layout) {
  const clusterIdFile = join(layout.root, 'cluster.id');
  mkdirSync(layout.root, { recursive: true });
  if (!existsSync(clusterIdFile)) writeFileSync(clusterIdFile, kafkaClusterId());
  const clusterId = readFileSync(clusterIdFile, 'utf8').trim();
  for (const broker of layout.brokers) {
    mkdirSync(broker.dir, { recursive: true });
    writeFileSync(join(broker.dir, 'server.properties'), brokerProperties(layout, broker));
    formatStorage(layout, broker, clusterId);
    startBroker(layout, broker);
  }
  const started = Date.now();
  await waitForKafka(layout.bootstrap, layout.brokerCount);
  const answeringMs = Date.now() - started;
  await warmUp(layout.bootstrap, Math.min(3, layout.brokerCount));
  return { answeringMs, readyMs: Date.now() - started };
}

const WARM_UP_TOPIC = 'regsync-infra.warm-up';

/**
 * A new broker creates and loads its transaction and consumer-offset logs on first use, and the first services
 * would meet "the coordinator is loading". One committed transaction and one group join with an offset commit,
 * before the broker counts as ready, make that happen here, once, with nobody waiting on it.
 */
export async function warmUp(bootstrap, replicationFactor, timeoutMs = 120_000) {
  const kafka = kafkaClient(adminConnection(bootstrap), { clientId: 'regsync-infra-warm-up', logLevel: logLevel.NOTHING, retry: { retries: 20, maxRetryTime: 5_000 } });
  const admin = kafka.admin();
  const producer = kafka.producer({ transactionalId: 'regsync-infra-warm-up', idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: 'regsync-infra-warm-up', maxWaitTimeInMs: 500 });
  const work = (async () => {
    await admin.connect();
    if (!(await admin.listTopics()).includes(WARM_UP_TOPIC)) {
      await admin.createTopics({ topics: [{ topic: WARM_UP_TOPIC, numPartitions: 1, replicationFactor }], waitForLeaders: true }).catch((error) => {
        if (error.type !== 'TOPIC_ALREADY_EXISTS') throw error;
      });
    }
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic: WARM_UP_TOPIC, messages: [{ value: new Date().toISOString() }] });
    await transaction.commit();
    await consumer.connect();
    await consumer.subscribe({ topics: [WARM_UP_TOPIC], fromBeginning: false });
    await new Promise((resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, resolve);
      consumer.run({ eachMessage: async () => undefined }).catch(reject);
    });
    const [{ partitions }] = await admin.fetchTopicOffsets(WARM_UP_TOPIC).then((offsets) => [{ partitions: offsets }]);
    await consumer.commitOffsets(partitions.map(({ partition, high }) => ({ topic: WARM_UP_TOPIC, partition, offset: high })));
  })();
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new InfraError(`Kafka at ${bootstrap} answers but could not run a transaction and a group join within ${timeoutMs / 1000}s`)), timeoutMs);
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    await Promise.all([consumer.disconnect(), producer.disconnect(), admin.disconnect()].map((closing) => closing.catch(() => undefined)));
  }
}

async function kafkaAnswers(bootstrap, brokerCount) {
  try {
    await waitForKafka(bootstrap, brokerCount, 1_000);
    return true;
  } catch (error) {
    if (/refuses these credentials/.test(error.message)) throw error;
    return false;
  }
}

/** Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. */
function kafkaClusterId() {
  return Buffer.from(randomUUID().replace(/-/g, ''), 'hex').toString('base64url');
}

export async function kafkaDown(brokerCount = 1) {
  if (process.env.KAFKA_BROKERS) return;
  const layout = clusterLayout(brokerCount);
  await Promise.all(layout.brokers.map((broker) => stopBroker(broker)));
  console.log(`infra: Kafka (${brokerCount} broker${brokerCount > 1 ? 's' : ''}) stopped`);
}

export async function postgresCheck(databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const { rows } = await client.query('show server_version');
    return rows[0].server_version;
  } catch (error) {
    throw new InfraError(
      `PostgreSQL is not reachable at ${databaseUrl} (${error.message}). Install and start PostgreSQL 13 or newer ` +
        '(Debian: apt-get install postgresql, then pg_ctlcluster <version> main start), or point DATABASE_URL at a server.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function status(brokerCount) {
  const layout = clusterLayout(brokerCount);
  for (const broker of layout.brokers) {
    const pid = pidOf(broker);
    console.log(`kafka broker ${broker.nodeId} 127.0.0.1:${broker.port}: ${pid ? `running (pid ${pid})` : 'stopped'}`);
  }
  try {
    const cluster = await waitForKafka(process.env.KAFKA_BROKERS ?? layout.bootstrap, brokerCount, 3_000);
    console.log(`kafka cluster: answering, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`);
  } catch {
    console.log('kafka cluster: not answering');
  }
  try {
    console.log(`postgresql: ${await postgresCheck()} reachable`);
  } catch (error) {
    console.log(`postgresql: ${error.message}`);
  }
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const brokersFlag = rest.indexOf('--brokers');
  const brokerCount = brokersFlag >= 0 ? Number(rest[brokersFlag + 1]) : 1;
  if (![1, 3].includes(brokerCount)) throw new InfraError('--brokers takes 1 or 3');
  switch (command) {
    case 'up': {
      const version = await postgresCheck();
      console.log(`infra: PostgreSQL ${version} reachable`);
      await kafkaUp(brokerCount);
      break;
    }
    case 'down':
      await kafkaDown(brokerCount);
      break;
    case 'status':
      await status(brokerCount);
      break;
    default:
      throw new InfraError('usage: infra.mjs up|down|status [--brokers 1|3]');
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof InfraError ? `infra: ${error.message}` : error);
    process.exit(1);
  });
}

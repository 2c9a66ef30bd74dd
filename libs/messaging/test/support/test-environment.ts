import { Logger } from '@nestjs/common';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaClient } from '../../src/kafka-client';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { KafkaConnection, loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { TestSchemaRegistry, startTestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { testDatabaseName } from './test-register.module';

const workspaceRoot = join(__dirname, '..', '..', '..', '..');

export interface TestEnvironment {
  namespace: string;
  /** The broker as the test's admin principal. */
  connection: KafkaConnection;
  databaseUrl: string;
  schemaRegistryUrl: string;
  kafka: Kafka;
  /** Stops the schema registry (an outage); `restartSchemaRegistry` brings it back on the same address. */
  stopSchemaRegistry(): Promise<void>;
  restartSchemaRegistry(): Promise<void>;
  /** Starts a fixture process (libs/messaging/test/fixtures/<name>.ts, compiled) with this environment. */
  spawnFixture(name: string, env?: Record<string, string>): FixtureProcess;
  close(): Promise<void>;
}

export interface FixtureProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * A namespace of its own (databases, topics, groups), the real schema registry started in-process, and the
 * fixtures compiled by tools/build.mjs into a private folder (not dist/, which other test runs may be using).
 */
export async function startTestEnvironment(): Promise<TestEnvironment> {
  Logger.overrideLogger(['error', 'warn']);
  const namespace = `msg_${randomUUID().slice(0, 8)}`;
  const connection = loadKafkaConnection();
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const started = await startTestSchemaRegistry({ databaseUrl, namespace });
  let registry: TestSchemaRegistry['app'] | undefined = started.app;
  const schemaRegistryUrl = started.url;
  const outDir = join(workspaceRoot, 'tmp', `messaging-${namespace}`);
  const build = spawnSync(process.execPath, [join(workspaceRoot, 'tools', 'build.mjs'), '--out-dir', relative(workspaceRoot, outDir)], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build of the test fixtures failed: ${build.stderr}`);
  const kafka = kafkaClient(connection, { clientId: `test-${namespace}`, logLevel: logLevel.ERROR });
  const children: ChildProcess[] = [];

  return {
    namespace,
    connection,
    databaseUrl,
    schemaRegistryUrl,
    kafka,
    async stopSchemaRegistry() {
      await registry?.close();
      registry = undefined;
    },
    async restartSchemaRegistry() {
      registry ??= (await startTestSchemaRegistry({ databaseUrl, namespace, port: Number(new URL(started.address).port), writer: started.writer })).app;
    },
    spawnFixture(name, env = {}) {
      const child = spawn(process.execPath, [join(outDir, 'libs', 'messaging', 'test', 'fixtures', `${name}.js`)], {
        env: { ...process.env, NAMESPACE: namespace, DATABASE_URL: databaseUrl, SCHEMA_REGISTRY_URL: schemaRegistryUrl, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      child.stdout?.on('data', (chunk) => (output += chunk));
      child.stderr?.on('data', (chunk) => (output += chunk));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      return { child, output: () => output, exited };
    },
    async close() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await registry?.close();
      const admin = kafka.admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
      await dropDatabase(databaseUrl, testDatabaseName(namespace));
      await dropDatabase(databaseUrl, instanceDatabaseName('schema_registry', undefined, namespace));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns true. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

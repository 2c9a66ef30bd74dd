import { INestApplication, Logger } from '@nestjs/common';
import { transformFile } from '@swc/core';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { instanceDatabaseName } from '@regsync/persistence/database-url';
import { dropDatabase } from '@regsync/persistence/ensure-database';
import { startSchemaRegistry } from '../../../../apps/schema-registry/src/start-schema-registry';
import { testDatabaseName } from './test-register.module';

const { swcOptions, workspaceRoot } = require('../../../../tools/swc-options.cjs') as { swcOptions: object; workspaceRoot: string };

export interface TestEnvironment {
  namespace: string;
  brokers: string[];
  databaseUrl: string;
  schemaRegistryUrl: string;
  kafka: Kafka;
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
 * fixtures compiled to a private folder (tools/build.mjs wipes dist/, which other test runs may be using).
 */
export async function startTestEnvironment(): Promise<TestEnvironment> {
  Logger.overrideLogger(['error', 'warn']);
  const namespace = `msg_${randomUUID().slice(0, 8)}`;
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const registry: INestApplication = await startSchemaRegistry({ HOST: '127.0.0.1', PORT: 0, DATABASE_URL: databaseUrl, NAMESPACE: namespace });
  const schemaRegistryUrl = `http://127.0.0.1:${(registry.getHttpServer().address() as AddressInfo).port}`;
  const outDir = join(workspaceRoot, 'tmp', `messaging-${namespace}`);
  await compileLibs(outDir);
  const kafka = new Kafka({ clientId: `test-${namespace}`, brokers, logLevel: logLevel.ERROR });
  const children: ChildProcess[] = [];

  return {
    namespace,
    brokers,
    databaseUrl,
    schemaRegistryUrl,
    kafka,
    spawnFixture(name, env = {}) {
      const child = spawn(process.execPath, [join(outDir, 'libs', 'messaging', 'test', 'fixtures', `${name}.js`)], {
        env: { ...process.env, NAMESPACE: namespace, KAFKA_BROKERS: brokers.join(','), DATABASE_URL: databaseUrl, SCHEMA_REGISTRY_URL: schemaRegistryUrl, ...env },
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
      await registry.close();
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

async function compileLibs(outDir: string): Promise<void> {
  const jobs: Promise<void>[] = [];
  for await (const file of sourceFiles(join(workspaceRoot, 'libs'))) {
    const target = join(outDir, relative(workspaceRoot, file)).replace(/\.ts$/, '.js');
    jobs.push(
      transformFile(file, { ...swcOptions, filename: file, swcrc: false }).then(async ({ code }) => {
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, code);
      }),
    );
  }
  await Promise.all(jobs);
}

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec|d)\.ts$/.test(entry.name)) yield path;
  }
}

/** Polls `probe` until it returns true. */
export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

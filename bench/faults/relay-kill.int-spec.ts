import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import type { FaultRun as FaultRunType } from './fault-run';
import type { SchemaRegistryProcess as SchemaRegistryProcessType } from '../throughput/schema-registry-process';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';

const root = join(__dirname, '..', '..');
// The services of a fault run are separate Node processes, so they run from a build of their own.
const out = join('tmp', `faults-spec-${randomBytes(3).toString('hex')}`);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const kafka = loadKafkaConnection();
const registryNamespace = `faults_spec_${randomBytes(3).toString('hex')}`;

describe('fault run on the routed layout: relay and router killed, deliveries duplicated', () => {
  let registry: SchemaRegistryProcessType;
  let run: FaultRunType;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, [join(root, 'tools', 'build.mjs'), '--out-dir', out], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
    const { SchemaRegistryProcess } = require(join(root, out, 'bench', 'throughput', 'schema-registry-process.js'));
    const { FaultRun } = require(join(root, out, 'bench', 'faults', 'fault-run.js'));
    registry = new SchemaRegistryProcess(20_000 + Math.floor(Math.random() * 1_000), databaseUrl, registryNamespace);
    await registry.start();
    run = new FaultRun({ events: 1_000, rate: 250, transactionSize: 20, kafka, databaseUrl, schemaRegistryUrl: registry.url });
  }, 90_000);

  afterAll(async () => {
    await run?.stop();
    await registry?.stop();
    await dropDatabase(databaseUrl, instanceDatabaseName('schema_registry', undefined, registryNamespace));
    rmSync(join(root, out), { recursive: true, force: true });
  }, 60_000);

  it('applies every move exactly once although the relay and the router died mid-run and deliveries arrived twice', async () => {
    await run.start();
    await new Promise((resolve) => setTimeout(resolve, run.writeWindowMs * (0.2 + Math.random() * 0.3)));
    await run.restart('writer');
    await run.restart('router');
    await run.settle(120_000);
    await run.inject(await run.readTopic(run.deliveryTopic, 300), { topic: run.deliveryTopic, principal: run.principals.router, mustDeadLetter: false });
    await run.settle(60_000);

    const outcome = await run.outcome();
    expect(outcome).toMatchObject({ applied: 1_000, held: 0, lost: 0, duplicated: 0, notSent: 0, reordered: 0, wrongState: 0, deadLettered: 0 });
  }, 240_000);
});

// One service of a fault run, killed and restarted at will: the writer (a municipality's outbox and relay, writing its
// outgoing topic) or the register (a Land's mirror consuming its delivery topic through the inbox); the router between
// them is the real apps/router. Runs until SIGTERM (graceful) or SIGKILL (the fault).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { MessagingStartup, Outbox, RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { ensureDatabase } from '@regsync/persistence/databases';
import { benchDatabaseName } from '../throughput/bench-database-name';
import { moveWorkload } from '../throughput/move-workload';
import { BENCH_ROLES, regsyncBenchModule } from '../throughput/regsync-bench.module';
import { FaultChildSpec } from './fault-child-spec';

async function runWriter(spec: FaultChildSpec): Promise<void> {
  const name = benchDatabaseName({ namespace: spec.namespace, pipeline: 'regsync' }, 'producer');
  await ensureDatabase(spec.databaseUrl, name);
  const app = await NestFactory.createApplicationContext(regsyncBenchModule({ ...spec, role: 'producer' }, name, undefined, 'routed'), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.init();
  // Appending encodes the events: the schemas must be registered first.
  await app.get(MessagingStartup).ready();
  const outbox = app.get(Outbox);
  const dataSource = app.get(DataSource);
  // Like an API client that retries until its request is acknowledged: a chunk killed mid-transaction is written again.
  await dataSource.query('create table if not exists bench_writer_progress (chunk int primary key)');
  const [{ next }] = (await dataSource.query('select coalesce(max(chunk) + 1, 0) as next from bench_writer_progress')) as { next: number }[];
  const moves = moveWorkload(spec.count);
  const started = Date.now();
  for (let chunk = 0; chunk * spec.transactionSize < spec.count; chunk++) {
    const batch = Array.from({ length: Math.min(spec.transactionSize, spec.count - chunk * spec.transactionSize) }, () => moves.next().value!);
    if (chunk < next) continue;
    // The writer's progress row as the owner (its own table), then the outbox rows as the municipality. Retried while
    // the relay has not checked a restored database yet (57P03), as a client retries a 503; other faults end the
    // process, which is started again.
    await retriedWhileNotChecked(() => runAsAuthority(BENCH_ROLES.producer.instanceKey, () => dataSource.transaction(async (manager) => {
      await manager.query('insert into bench_writer_progress (chunk) values ($1)', [chunk]);
      await app.get(AuthorityDatabase).enter(manager.queryRunner!);
      for (const move of batch) {
        await outbox.append(manager, {
          eventType: 'ResidenceRegistered',
          register: 'MELDEREGISTER',
          subject: { kind: 'PERSON', id: move.idnr },
          correlationId: `move-${move.idnr}-${move.move}`,
          causationId: null,
          legalBasis: '§ 17 Abs. 1 BMG',
          payload: move.payload,
        });
      }
    })));
    const due = started + (((chunk - next + 1) * spec.transactionSize) / spec.rate) * 1000;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
  }
}

async function retriedWhileNotChecked(work: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== '57P03') throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function runRegister(spec: FaultChildSpec): Promise<void> {
  const name = benchDatabaseName({ namespace: spec.namespace, pipeline: 'regsync' }, 'consumer');
  await ensureDatabase(spec.databaseUrl, name);
  const app = await NestFactory.create(regsyncBenchModule({ ...spec, role: 'consumer' }, name, undefined, 'routed'), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: app.get(RegsyncKafkaTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
}

const spec = JSON.parse(process.argv[2]) as FaultChildSpec;
// Orphaned by a crashed or interrupted fault run: stop rather than keep relaying or consuming for nobody.
process.once('disconnect', () => process.exit(0));
(spec.role === 'writer' ? runWriter(spec) : runRegister(spec)).then(
  () => process.send?.('ready'),
  (error) => {
    console.error(`faults ${spec.role}:`, error);
    process.exit(1);
  },
);

import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { MessagingStartup, Outbox } from '@regsync/messaging/register-messaging';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { ensureDatabase } from '@regsync/persistence/databases';
import { benchDatabaseName } from './bench-database-name';
import { BenchSpec, RoleReport } from './bench-spec';
import { BENCH_ROLES, regsyncBenchModule } from './regsync-bench.module';
import { sendWorkload } from './workload-sender';

/**
 * The sending side of (c): each chunk of moves is one database transaction with one `Outbox.appendMany` (as a batch
 * import writes them; chunks in flight at once stand for concurrent requests); the relay in this process publishes
 * them. Reports once the outbox is drained.
 */
export async function runRegsyncProducer(spec: BenchSpec): Promise<RoleReport> {
  const name = benchDatabaseName(spec, 'producer');
  await ensureDatabase(spec.databaseUrl, name);
  const app = await NestFactory.createApplicationContext(regsyncBenchModule(spec, name), { logger: ['error', 'warn'] });
  await app.init();
  // Appending encodes the events: the schemas must be registered first.
  await app.get(MessagingStartup).ready();
  const outbox = app.get(Outbox);
  const dataSource = app.get(DataSource);
  const database = app.get(AuthorityDatabase);
  const report = await sendWorkload(spec, spec.mode === 'latency' ? 1 : spec.transactionSize, 4, (moves) =>
    runAsAuthority(BENCH_ROLES.producer.instanceKey, () => database.transaction(async (manager) => {
      await outbox.appendMany(
        manager,
        moves.map((move) => ({
          eventType: 'ResidenceRegistered' as const,
          register: 'MELDEREGISTER' as const,
          subject: { kind: 'PERSON' as const, id: move.idnr },
          correlationId: `move-${move.idnr}-${move.move}`,
          causationId: null,
          legalBasis: '§ 17 Abs. 1 BMG',
          payload: move.payload,
        })),
      );
    })),
  );
  while (Number((await dataSource.query('select count(*) as n from regsync_outbox where published_at is null'))[0].n) > 0) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const usage = process.resourceUsage();
  await app.close();
  return { ...report, maxRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 };
}

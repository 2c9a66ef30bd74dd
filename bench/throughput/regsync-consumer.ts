import { NestFactory } from '@nestjs/core';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { ensureDatabase } from '@regsync/persistence/databases';
import { ApplyMeter } from './apply-meter';
import { benchDatabaseName } from './bench-database-name';
import { BenchSpec, RoleReport } from './bench-spec';
import { regsyncBenchModule } from './regsync-bench.module';

/** The receiving side of (c): RegsyncKafkaTransport → inbox → the batch move handler, as a register service runs it. */
export async function runRegsyncConsumer(spec: BenchSpec): Promise<RoleReport> {
  const meter = new ApplyMeter(spec);
  const name = benchDatabaseName(spec, 'consumer');
  await ensureDatabase(spec.databaseUrl, name);
  const app = await NestFactory.create(regsyncBenchModule(spec, name, meter), { logger: ['error', 'warn'] });
  app.connectMicroservice({ strategy: app.get(RegsyncKafkaTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  const report = await meter.done;
  await app.close();
  return report;
}

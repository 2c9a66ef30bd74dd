import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { logLevel } from 'kafkajs';
import { ensureDatabase, databaseUrl } from '@regsync/persistence/databases';
import { ApplyMeter } from './apply-meter';
import { BenchSpec, RoleReport } from './bench-spec';
import { BenchResidentMigration1732500000000 } from './bench-resident.migration';
import { benchDatabaseName } from './bench-database-name';
import { naiveMoveController } from './naive-move.controller';
import { kafkaClientConfig } from '@regsync/messaging/broker';

/** The naive baseline (b): NestJS's stock Kafka transport (ServerKafka, eachMessage, JSON) and TypeORM. */
export async function runNestKafkaConsumer(spec: BenchSpec): Promise<RoleReport> {
  const meter = new ApplyMeter(spec);
  const name = benchDatabaseName(spec, 'consumer');
  await ensureDatabase(spec.databaseUrl, name);

  @Module({
    imports: [TypeOrmModule.forRoot({ type: 'postgres', url: databaseUrl(spec.databaseUrl, name), migrations: [BenchResidentMigration1732500000000], migrationsRun: true })],
    controllers: [naiveMoveController(spec.topic, meter)],
  })
  class NaiveBaselineModule {}

  const app = await NestFactory.createMicroservice<MicroserviceOptions>(NaiveBaselineModule, {
    transport: Transport.KAFKA,
    options: {
      client: kafkaClientConfig(spec.kafka, { clientId: `${spec.namespace}-naive`, logLevel: logLevel.ERROR }),
      consumer: { groupId: `${spec.namespace}.bench.naive` },
      subscribe: { fromBeginning: true },
    },
    logger: ['error', 'warn'],
  });
  await app.listen();
  const report = await meter.done;
  await app.close();
  return report;
}

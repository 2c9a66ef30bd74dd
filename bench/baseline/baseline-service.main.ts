// One process of the fair baseline (bench/baseline/baseline-stack.ts starts them): a municipality's agency API or a recipient.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { kafkaClientConfig } from '@regsync/messaging/broker';
import { ensureDatabase } from '@regsync/persistence/databases';
import { HttpErrorFilter } from '@regsync/service-runtime/agency-api';
import { OUTGOING_TOPIC_PARTITIONS } from '@regsync/contracts/topics';
import { baselineMunicipalityModule } from './baseline-municipality.module';
import { baselineRecipientModule } from './baseline-recipient.module';
import { baselineConsumerGroupOf, baselineDatabaseOf, type BaselineProcessSpec } from './baseline-topology';

async function main(spec: BaselineProcessSpec): Promise<void> {
  await ensureDatabase(spec.databaseUrl, baselineDatabaseOf(spec, spec.namespace));
  if (spec.role === 'municipality') {
    const app = await NestFactory.create(baselineMunicipalityModule(spec), { logger: ['error', 'warn'] });
    app.useGlobalFilters(new HttpErrorFilter());
    app.enableShutdownHooks();
    await app.listen(spec.port!, '127.0.0.1');
    return;
  }
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(baselineRecipientModule(spec), {
    transport: Transport.KAFKA,
    options: {
      client: kafkaClientConfig(spec.kafka, { clientId: `${spec.namespace}-baseline-${spec.role}-${spec.instanceKey}`, logLevel: logLevel.ERROR }),
      consumer: { groupId: baselineConsumerGroupOf(spec, spec.namespace) },
      // The documented knob for throughput: every partition of the topic consumed at once.
      run: { partitionsConsumedConcurrently: OUTGOING_TOPIC_PARTITIONS },
      subscribe: { fromBeginning: true },
      postfixId: '',
    },
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen();
}

// Orphaned by an interrupted bench: stop instead of running on.
process.once('disconnect', () => process.exit(0));
main(JSON.parse(process.argv[2]) as BaselineProcessSpec).catch((error: unknown) => {
  console.error('baseline service:', error);
  process.exit(1);
});

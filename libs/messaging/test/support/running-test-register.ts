import { INestApplication, LogLevel, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { RegsyncKafkaTransport } from '../../src/regsync-kafka.transport';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { HttpErrorFilter } from '@regsync/service-runtime/agency-api';
import { TestEnvironment, startTestEnvironment } from './test-environment';
import { TestRegisterModule, TestRegisterSettings } from './test-register.module';

/** The test register running as a service (HTTP app plus its Kafka consumer), and a producer for the test's records. */
export interface RunningTestRegister {
  env: TestEnvironment;
  dataSource: DataSource;
  codec: EventCodec;
  producer: Producer;
  app: INestApplication;
  close(): Promise<void>;
}

type StartOptions = {
  metrics?: RegsyncMetrics;
  logger?: LogLevel[] | LoggerService;
  /** Prepares the environment (e.g. a topic that already exists) before the service starts in it. */
  beforeStart?: (env: TestEnvironment) => Promise<void>;
  /** What it consumes, in the environment's namespace (default: its delivery topic). */
  consuming?: (env: TestEnvironment) => Pick<TestRegisterSettings, 'consumes' | 'detectGaps'>;
  opsApiKeys?: Record<string, string>;
};

export async function startTestRegister(options: StartOptions = {}): Promise<RunningTestRegister> {
  const env = await startTestEnvironment();
  const app = await (async () => {
    await options.beforeStart?.(env);
    return startApp(env, options);
  })().catch(async (error: unknown) => {
    await env.close();
    throw error;
  });
  const producer = env.kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  return {
    env,
    dataSource: app.get(DataSource),
    codec: app.get(EventCodec),
    producer,
    app,
    close: async () => {
      await producer.disconnect();
      await app.close();
      await env.close();
    },
  };
}

async function startApp(env: TestEnvironment, options: StartOptions): Promise<INestApplication> {
  const app = await NestFactory.create(
    TestRegisterModule.forRoot({ namespace: env.namespace, connection: env.connection, databaseUrl: env.databaseUrl, schemaRegistryUrl: env.schemaRegistryUrl, metrics: options.metrics, opsApiKeys: options.opsApiKeys, ...options.consuming?.(env) }),
    options.logger ? { logger: options.logger } : undefined,
  );
  // Errors answer as in every service (startService): a bad request body is a 400 naming the field.
  app.useGlobalFilters(new HttpErrorFilter());
  app.connectMicroservice({ strategy: app.get(RegsyncKafkaTransport) }, { inheritAppConfig: true });
  try {
    await app.startAllMicroservices();
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}

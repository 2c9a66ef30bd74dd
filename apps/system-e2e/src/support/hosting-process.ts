import { type DynamicModule, type INestApplication, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { logLevel } from 'kafkajs';
import { kafkaClient } from '@regsync/messaging/broker';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { startTestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { kafkaEnvironmentOf, loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { startService } from '@regsync/service-runtime/service-startup';

const KAFKA = loadKafkaConnection();
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** One register process hosting several authorities, started inside the test as main.ts starts it. */
export interface HostingProcess {
  baseUrl: string;
  schemaRegistryUrl: string;
  /** Closes the process and the registry, then deletes the namespace's topics and databases. */
  stop(): Promise<void>;
}

/**
 * Starts a schema registry of `namespace`, then the module `moduleOf` makes from the environment main.ts would read
 * (the broker, PostgreSQL, the registry, INSTANCE_KEY `processKey`, AUTHORITIES `authorities`, an operators' key) with
 * the Kafka transport; resolves once it consumes. `database` names the process's database, dropped at stop.
 */
export async function startHostingProcess(options: {
  namespace: string;
  title: string;
  processKey: string;
  database: string;
  authorities: { key: string; agencies: Record<string, string> }[];
  moduleOf: (environment: NodeJS.ProcessEnv) => DynamicModule;
}): Promise<HostingProcess> {
  Logger.overrideLogger(['error']);
  const started: INestApplication[] = [];
  const registry = await startTestSchemaRegistry({ databaseUrl: DATABASE_URL, namespace: options.namespace });
  started.push(registry.app);
  const module = options.moduleOf({
    ...kafkaEnvironmentOf(KAFKA),
    DATABASE_URL,
    SCHEMA_REGISTRY_URL: registry.url,
    NAMESPACE: options.namespace,
    HOST: '127.0.0.1',
    PORT: '1',
    INSTANCE_KEY: options.processKey,
    AGENCY_API_KEYS: `operators:operators-${randomUUID()}`,
    AUTHORITIES: JSON.stringify(options.authorities),
  });
  const app = await startService(module, { title: options.title, host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
  started.push(app);
  return {
    baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    schemaRegistryUrl: registry.url,
    async stop() {
      for (const running of started.reverse()) await running.close();
      const admin = kafkaClient(KAFKA, { clientId: `test-${options.namespace}`, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${options.namespace}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.disconnect();
      for (const name of [instanceDatabaseName('schema_registry', undefined, options.namespace), options.database]) await dropDatabase(DATABASE_URL, name);
    },
  };
}

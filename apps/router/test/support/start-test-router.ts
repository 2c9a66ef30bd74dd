import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';
import type { TestEnvironment } from '@regsync/messaging-testing/test-environment';
import { loadRouterConfig } from '../../src/config';
import { RouterModule } from '../../src/router.module';

/**
 * The router of `env`'s namespace, consuming as the test's admin principal, for `routedInstances` (ROUTED_INSTANCES);
 * `close` stops it and drops its database.
 */
export async function startTestRouter(env: TestEnvironment, routedInstances: string): Promise<{ app: INestApplication; close(): Promise<void> }> {
  const config = loadRouterConfig({
    PORT: '3999',
    ROUTED_INSTANCES: routedInstances,
    NAMESPACE: env.namespace,
    DATABASE_URL: env.databaseUrl,
    SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
    ...kafkaEnvironmentOf(env.connection),
  });
  const app = await NestFactory.create(RouterModule.forRoot(config), { logger: ['error'] });
  app.connectMicroservice({ strategy: app.get(RegsyncKafkaTransport) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  return {
    app,
    close: async () => {
      await app.close();
      await dropDatabase(env.databaseUrl, instanceDatabaseName('router', 'main', env.namespace));
    },
  };
}

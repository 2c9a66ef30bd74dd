import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { consumerGroupOf } from '@regsync/contracts/topics';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadRouterConfig } from '@regsync/apps/router/src/config';
import { RouterModule } from '@regsync/apps/router/src/router.module';
import { serviceEnv, waitForNoLag } from '@regsync/apps/replay/test/support/live-register-service';
import type { ReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';

/** A router in this process for the test's namespace, routing between `routedInstances` (ROUTED_INSTANCES), with a delivery-key secret of its own. */
export async function startInProcessRouter(env: ReplayTestEnvironment, routedInstances: string): Promise<INestApplication> {
  env.dropAtEnd(instanceDatabaseName('router', 'main', env.namespace));
  const config = loadRouterConfig({ ...serviceEnv(env), ROUTED_INSTANCES: routedInstances, SUBJECT_KEY_SECRET: randomBytes(32).toString('base64') });
  return startService(RouterModule.forRoot(config), { title: 'router', host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
}

/** The router has read `outgoingTopics` to their end and published every row of its outbox. */
export async function routerCaughtUp(env: ReplayTestEnvironment, router: INestApplication, outgoingTopics: string[]): Promise<void> {
  await waitForNoLag(env.kafka, consumerGroupOf('router', 'main', env.namespace), outgoingTopics, 120_000);
  await waitUntil('the router published its outbox', async () => {
    const [{ pending }] = (await router.get(DataSource).query('select count(*)::int as pending from regsync_outbox where published_at is null')) as { pending: number }[];
    return pending === 0 || undefined;
  });
}

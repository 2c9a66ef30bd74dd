import { INestApplication } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { groupLag } from '@regsync/event-replay/consumer-group-offsets';
import { kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';
import { ReplayTestEnvironment } from './replay-test-environment';

/** What every service of the test's namespace is started with: broker, database server, schema registry; HTTP on a free port. */
export function serviceEnv(env: ReplayTestEnvironment): NodeJS.ProcessEnv {
  return {
    ...kafkaEnvironmentOf(env.connection),
    DATABASE_URL: env.databaseUrl,
    SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
    NAMESPACE: env.namespace,
    PORT: '1',
    HOST: '127.0.0.1',
  };
}

/** The environment a state-register instance and the replay tool share in a test. */
export function stateEnv(env: ReplayTestEnvironment, instanceKey: string): NodeJS.ProcessEnv {
  return { ...serviceEnv(env), INSTANCE_KEY: instanceKey, AGENCY_API_KEYS: 'test-agency:test-agency-key' };
}

/** A live state-register instance in this process: HTTP on a free port and its real Kafka consumer. */
export async function startStateRegister(env: ReplayTestEnvironment, instanceKey: string): Promise<INestApplication> {
  const config = loadStateConfig(stateEnv(env, instanceKey));
  return startService(StateRegisterModule.forRoot(config), { title: `state-register ${instanceKey}`, host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
}

/** Waits until `group` has committed past every record on its topics (lag 0). */
export async function waitForNoLag(kafka: Kafka, group: string, topics: string[], timeoutMs = 60_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lag = await groupLag(admin, group, topics);
      if (lag.partitions.length > 0 && lag.partitions.every((p) => p.committed !== null || p.high === p.low) && lag.totalLag === 0) return;
      if (Date.now() > deadline) throw new Error(`${group} still lags ${lag.totalLag} after ${timeoutMs / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

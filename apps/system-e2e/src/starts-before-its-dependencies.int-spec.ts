import { INestApplication, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AddressInfo, Socket, createConnection, createServer } from 'node:net';
import { logLevel } from 'kafkajs';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { startService } from '@regsync/service-runtime/service-startup';
import { newRegistryCredential, registryUrlWithCredential } from '@regsync/contracts/registry-protocol';
import { startTestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';
import { kafkaClient } from '@regsync/messaging/broker';
import { kafkaEnvironmentOf, loadKafkaConnection } from '@regsync/service-runtime/service-config';

const KAFKA = loadKafkaConnection();
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface HealthReport {
  status: string;
  checks: Record<string, { healthy: boolean; detail?: string }>;
}

jest.setTimeout(240_000);

/**
 * A service on a new machine may start before its broker and registry answer. It must listen at once (liveness),
 * say in readiness which dependency it waits for, and become ready by itself when they come up.
 */
describe('a state register started before its broker and its schema registry', () => {
  const namespace = `startup_${randomUUID().slice(0, 8)}`;
  let brokerPort: number;
  let registryPort: number;
  const registryWriter = newRegistryCredential();
  let httpPort: number;
  let brokerProxy: { close(): void } | undefined;
  let registry: INestApplication | undefined;
  let starting: Promise<INestApplication>;
  const health = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}${path}`);
    return { status: response.status, body: (await response.json()) as HealthReport };
  };

  beforeAll(async () => {
    // kafkajs logs every refused connection as an error while the broker is away: the assertions say what matters.
    Logger.overrideLogger(false);
    [brokerPort, registryPort, httpPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const config = loadStateConfig({
      ...kafkaEnvironmentOf(KAFKA),
      KAFKA_BROKERS: `127.0.0.1:${brokerPort}`,
      DATABASE_URL,
      SCHEMA_REGISTRY_URL: registryUrlWithCredential(`http://127.0.0.1:${registryPort}`, registryWriter),
      NAMESPACE: namespace,
      INSTANCE_KEY: '14',
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      AGENCY_API_KEYS: 'test-agency:test-agency-key',
    });
    starting = startService(StateRegisterModule.forRoot(config), { title: 'state-register 14', host: '127.0.0.1', port: httpPort, transport: RegsyncKafkaTransport });
    starting.catch(() => undefined);
  });

  afterAll(async () => {
    const app = await Promise.race([starting, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_000))]);
    await app?.close();
    await registry?.close();
    brokerProxy?.close();
    const admin = kafkaClient(KAFKA, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await dropDatabase(DATABASE_URL, instanceDatabaseName('state', '14', namespace));
    await dropDatabase(DATABASE_URL, instanceDatabaseName('schema_registry', undefined, namespace));
  });

  it('is alive but not ready while the broker does not answer, and readiness says it waits for the broker', async () => {
    const live = await waitUntil('the service listens', () => health('/health/live').then((answer) => (answer.status === 200 ? answer : undefined)), 90_000);
    expect(live.body.status).toBe('up');
    const ready = await waitUntil('a start-up attempt at the broker has failed', () => health('/health').then((answer) => (answer.body.checks.broker?.detail?.includes('failed') ? answer : undefined)), 120_000);
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('down');
    expect(ready.body.checks.database).toEqual({ healthy: true });
    expect(ready.body.checks.broker).toMatchObject({ healthy: false, detail: expect.stringMatching(/^attempt \d+ failed after \d+ ms: .+; retrying$/) });
    expect(ready.body.checks['kafka-consumer'].healthy).toBe(false);
  });

  it('gets past the broker once it answers, and then waits for the schema registry', async () => {
    brokerProxy = await forward(brokerPort, KAFKA.brokers[0]);
    const ready = await waitUntil('the broker step is done', () => health('/health').then((answer) => (answer.body.checks.broker?.healthy ? answer : undefined)), 180_000);
    expect(ready.status).toBe(503);
    expect(ready.body.checks['schema-registry'].healthy).toBe(false);
  });

  it('turns ready by itself once the schema registry is up too, and finishes starting', async () => {
    registry = (await startTestSchemaRegistry({ databaseUrl: DATABASE_URL, namespace, port: registryPort, writer: registryWriter })).app;
    const ready = await waitUntil('the service is ready', () => health('/health').then((answer) => (answer.status === 200 ? answer : undefined)), 180_000);
    expect(ready.body.status).toBe('up');
    expect(Object.values(ready.body.checks).every((check) => check.healthy)).toBe(true);
    expect(ready.body.checks['kafka-consumer'].detail).toBe('consuming');
    await expect(starting).resolves.toBeDefined();
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The broker "comes up" at `port`: a TCP forwarder to the real one (clients bootstrap here, then follow its metadata). */
function forward(port: number, target: string): Promise<{ close(): void }> {
  const [host, targetPort] = target.split(':');
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host, port: Number(targetPort) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  const close = () => {
    server.close();
    sockets.forEach((socket) => socket.destroy());
  };
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ close })));
}

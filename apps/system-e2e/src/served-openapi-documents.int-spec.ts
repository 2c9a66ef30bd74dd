import SwaggerParser from '@apidevtools/swagger-parser';
import { INestApplication, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { logLevel } from 'kafkajs';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { IDEMPOTENCY_KEY_HEADER } from '@regsync/service-runtime/request-idempotency';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadFederalConfig } from '@regsync/apps/federal-register/src/config';
import { FederalRegisterModule } from '@regsync/apps/federal-register/src/federal-register.module';
import { loadMunicipalConfig } from '@regsync/apps/municipal-register/src/config';
import { MunicipalRegisterModule } from '@regsync/apps/municipal-register/src/municipal-register.module';
import { loadOpsDashboardConfig } from '@regsync/apps/ops-dashboard/src/config';
import { OpsDashboardModule } from '@regsync/apps/ops-dashboard/src/ops-dashboard.module';
import { startTestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';
import { kafkaClient } from '@regsync/messaging/broker';
import { kafkaEnvironmentOf, loadKafkaConnection } from '@regsync/service-runtime/service-config';

const KAFKA = loadKafkaConnection();
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

jest.setTimeout(180_000);

interface OpenApiOperation {
  security?: Record<string, string[]>[];
  parameters?: { name: string }[];
  requestBody?: { content: Record<string, { schema: { example?: unknown } }> };
  responses: Record<string, unknown>;
}
type OpenApiDocument = { openapi: string; servers?: { url: string }[]; paths: Record<string, Record<string, OpenApiOperation>> };

/**
 * Every app's real root module, started as main.ts starts it, serves an OpenAPI document that a standard validator
 * accepts: generated clients and API gateways read these documents, not our prose.
 */
describe('the OpenAPI document every service serves', () => {
  const namespace = `t_openapi_${randomUUID().slice(0, 8)}`;
  const apps = new Map<string, INestApplication>();
  let registryUrl = '';

  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
    ...kafkaEnvironmentOf(KAFKA),
    DATABASE_URL,
    SCHEMA_REGISTRY_URL: registryUrl,
    NAMESPACE: namespace,
    HOST: '127.0.0.1',
    PORT: '1',
    AGENCY_API_KEYS: 'test-agency:test-agency-key',
    ...extra,
  });

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    const registry = await startTestSchemaRegistry({ databaseUrl: DATABASE_URL, namespace });
    apps.set('schema-registry', registry.app);
    registryUrl = registry.url;
    const services = {
      'municipal-register 03404000': MunicipalRegisterModule.forRoot(loadMunicipalConfig(env({ INSTANCE_KEY: '03404000' }))),
      'state-register 03': StateRegisterModule.forRoot(loadStateConfig(env({ INSTANCE_KEY: '03' }))),
      'federal-register DE': FederalRegisterModule.forRoot(loadFederalConfig(env({}))),
      'ops-dashboard': OpsDashboardModule.forRoot(
        loadOpsDashboardConfig(env({ OIDC_ISSUER_URL: 'http://127.0.0.1:9/idp', OIDC_CLIENT_ID: 'regsync-ops-dashboard', OIDC_CLIENT_SECRET: 'test-client-secret-0000', OIDC_REDIRECT_URL: 'http://127.0.0.1:9/auth/callback' })),
      ),
    };
    for (const [title, rootModule] of Object.entries(services)) apps.set(title, await startService(rootModule, { title, host: '127.0.0.1', port: 0 }));
  });

  afterAll(async () => {
    for (const app of [...apps.values()].reverse()) await app.close();
    const admin = kafkaClient(KAFKA, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    const databases = [instanceDatabaseName('schema_registry', undefined, namespace), instanceDatabaseName('municipal', '03404000', namespace), instanceDatabaseName('state', '03', namespace), instanceDatabaseName('federal', 'DE', namespace), instanceDatabaseName('ops_dashboard', undefined, namespace)];
    for (const database of databases) await dropDatabase(DATABASE_URL, database);
  });

  it.each(['municipal-register 03404000', 'state-register 03', 'federal-register DE', 'schema-registry', 'ops-dashboard'])('is valid OpenAPI 3.0 on %s', async (title) => {
    const document = await servedDocument(apps.get(title));
    expect(document.openapi).toMatch(/^3\.0\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    expect(document.servers).toEqual([{ url: '/', description: 'this instance' }]);
  });

  it.each(['municipal-register 03404000', 'state-register 03', 'federal-register DE'])('documents the x-api-key and the error answers of every agency operation on %s', async (title) => {
    const operations = operationsOf(await servedDocument(apps.get(title)));
    const agencyOperations = operations.filter(({ operation }) => operation.security?.some((requirement) => 'agency-api-key' in requirement));
    expect(agencyOperations.map(({ path }) => path)).toEqual(expect.arrayContaining(['get /transfers', 'get /ops/registers']));
    for (const { path, operation } of agencyOperations) {
      expect([path, Object.keys(operation.responses)]).toEqual([path, expect.arrayContaining(['401'])]);
      expect([path, Object.keys(operation.responses).some((status) => status.startsWith('2'))]).toEqual([path, true]);
    }
    expect(agencyOperations.map(({ path }) => path)).toEqual(expect.arrayContaining(['post /ops/held-subjects/release']));
    if (title.startsWith('municipal-register')) {
      const moveOut = agencyOperations.find(({ path }) => path === 'post /secondary-residences/{idnr}/move-out')?.operation;
      expect(Object.keys(moveOut?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '404', '409']));
    }
    for (const { path, operation } of agencyOperations.filter(({ operation }) => operation.requestBody)) {
      // Every agency write takes an Idempotency-Key and answers 409 / 422 (the key) and 503 (not ready yet); an
      // operator's decision on an ops endpoint does not (released held subjects are gone: a retry finds nothing, 404).
      const idempotent = operation.parameters?.some((parameter) => parameter.name === IDEMPOTENCY_KEY_HEADER) ?? false;
      expect([path, idempotent]).toEqual([path, !path.startsWith('post /ops/')]);
      expect([path, Object.keys(operation.responses)]).toEqual([path, expect.arrayContaining(['400', '401', '403', '413', ...(idempotent ? ['409', '422', '503'] : [])])]);
      expect([path, operation.responses['400']]).toEqual([path, expect.objectContaining({ content: { 'application/json': { schema: { $ref: '#/components/schemas/HttpError' } } } })]);
      expect([path, operation.requestBody?.content['application/json'].schema.example]).toEqual([path, expect.any(Object)]);
    }
  });

  it('documents the readiness answer 503 on every service', async () => {
    for (const app of apps.values()) expect(Object.keys(operationsOf(await servedDocument(app)).find(({ path }) => path === 'get /health')?.operation.responses ?? {})).toEqual(['200', '503']);
  });
});

function operationsOf(document: OpenApiDocument): { path: string; operation: OpenApiOperation }[] {
  return Object.entries(document.paths).flatMap(([path, pathItem]) => Object.entries(pathItem).map(([method, operation]) => ({ path: `${method} ${path}`, operation })));
}

function urlOf(app: INestApplication): string {
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

async function servedDocument(app: INestApplication | undefined): Promise<OpenApiDocument> {
  if (!app) throw new Error('the app did not start');
  const response = await fetch(`${urlOf(app)}/openapi.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as OpenApiDocument;
}

// First, so that http is patched: the agency call's context reaches the municipal instance.
import { spanExporter as exporter, tracingProvider as sdk } from './support/in-memory-tracing';
import { INestApplication, Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { ReadableSpan } from '@opentelemetry/sdk-trace';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { logLevel } from 'kafkajs';
import { deliveryTopicOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaClient } from '@regsync/messaging/broker';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { kafkaEnvironmentOf, loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadMunicipalConfig } from '@regsync/apps/municipal-register/src/config';
import { MunicipalRegisterModule } from '@regsync/apps/municipal-register/src/municipal-register.module';
import { loadRouterConfig } from '@regsync/apps/router/src/config';
import { RouterModule } from '@regsync/apps/router/src/router.module';
import { startTestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';

const KAFKA = loadKafkaConnection();
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OSNABRUECK = '03404000';
const AGENCY_KEY = 'test-agency-key';
// The agency's own system started this trace and sent its context with the call.
const AGENCY_TRACE_ID = randomUUID().replace(/-/g, '');
const AGENCY_TRACEPARENT = `00-${AGENCY_TRACE_ID}-00f067aa0ba902b7-01`;

jest.setTimeout(180_000);

/**
 * A registration at a municipal instance, routed to the Land: the agency call, the municipal outbox, the relay, the
 * router and the state register's handler are spans of ONE trace, carried through PostgreSQL and Kafka by the
 * `traceparent` of each record. The services run in this process, so one in-memory exporter sees all their spans.
 */
describe('one trace across services', () => {
  const namespace = `t_trace_${randomUUID().slice(0, 8)}`;
  const apps: INestApplication[] = [];
  let municipalUrl = '';

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    const registry = await startTestSchemaRegistry({ databaseUrl: DATABASE_URL, namespace });
    apps.push(registry.app);
    const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
      ...kafkaEnvironmentOf(KAFKA),
      DATABASE_URL,
      SCHEMA_REGISTRY_URL: registry.url,
      NAMESPACE: namespace,
      HOST: '127.0.0.1',
      PORT: '1',
      ...extra,
    });
    const start = async (title: string, rootModule: Parameters<typeof startService>[0]) => {
      const app = await startService(rootModule, { title, host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
      apps.push(app);
      return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    };
    // The router first: it creates the namespace's topics.
    await start('router', RouterModule.forRoot(loadRouterConfig(env({ ROUTED_INSTANCES: `MUNICIPAL:${OSNABRUECK},STATE:03` }))));
    await start('state-register 03', StateRegisterModule.forRoot(loadStateConfig(env({ INSTANCE_KEY: '03', AGENCY_API_KEYS: `land:${AGENCY_KEY}`, PROPERTY_TAX_ROLLS: OSNABRUECK }))));
    municipalUrl = await start(`municipal-register ${OSNABRUECK}`, MunicipalRegisterModule.forRoot(loadMunicipalConfig(env({ INSTANCE_KEY: OSNABRUECK, AGENCY_API_KEYS: `buergeramt:${AGENCY_KEY}` }))));
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await sdk.shutdown();
    const admin = kafkaClient(KAFKA, { clientId: `test-${namespace}`, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    for (const database of [instanceDatabaseName('schema_registry', undefined, namespace), instanceDatabaseName('router', 'main', namespace), instanceDatabaseName('municipal', OSNABRUECK, namespace), instanceDatabaseName('state', '03', namespace)]) {
      await dropDatabase(DATABASE_URL, database);
    }
  });

  it('follows a registration from the agency call through outbox, relay and router into the Land register', async () => {
    const response = await fetch(`${municipalUrl}/residences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': AGENCY_KEY, traceparent: AGENCY_TRACEPARENT },
      body: JSON.stringify({
        idnr: '36574261809',
        familyName: 'Schmidt',
        givenNames: 'Anna',
        sex: 'FEMALE',
        dateOfBirth: '1990-03-14',
        address: { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK },
        movedInOn: '2018-04-01',
        previousAddress: null,
      }),
    });
    expect(response.status).toBe(201);

    const stateDeliveries = deliveryTopicOf('state-register', '03', namespace);
    const landHandled = await waitUntil('the Land register handled the registration', async () =>
      exporter.getFinishedSpans().find((span) => span.name === 'regsync handle ResidenceRegistered' && span.attributes['messaging.destination.name'] === stateDeliveries),
    );
    const spans = exporter.getFinishedSpans();
    const routed = spans.find((span) => span.name === 'regsync handle ResidenceRegistered' && span.attributes['messaging.destination.name'] === outgoingTopicOf('municipal-register', OSNABRUECK, namespace));
    const appended = spans.find((span) => span.name === 'regsync outbox append' && span.attributes['regsync.event_types'] === 'ResidenceRegistered');
    const agencyCall = spans.find((span) => span.kind === SpanKind.SERVER && span.spanContext().traceId === AGENCY_TRACE_ID);

    // The municipal instance continued the agency's trace; router and Land continued the municipal write's.
    expect(agencyCall?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(appended?.parentSpanContext?.spanId).toBe(agencyCall?.spanContext().spanId);
    expect(appended?.spanContext().traceId).toBe(AGENCY_TRACE_ID);
    expect(routed?.spanContext().traceId).toBe(AGENCY_TRACE_ID);
    expect(landHandled.spanContext().traceId).toBe(AGENCY_TRACE_ID);
    expect(routed?.parentSpanContext?.spanId).toBe(appended?.spanContext().spanId);
    expect(landHandled.parentSpanContext?.spanId).toBe(appended?.spanContext().spanId);

    // Each relay transaction is a span of its own, linked to the writes whose events it published.
    const published = spans.filter((span) => span.name === 'regsync outbox publish');
    expect(published.some((span) => linksTo(span, appended!))).toBe(true);
  });
});

function linksTo(span: ReadableSpan, target: ReadableSpan): boolean {
  return span.links.some((link) => link.context.spanId === target.spanContext().spanId);
}

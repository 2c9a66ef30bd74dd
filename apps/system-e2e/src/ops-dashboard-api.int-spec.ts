import { INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, KafkaMessage, logLevel } from 'kafkajs';
import request from 'supertest';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { InformationBlockSet, MovedOut, DeathRecorded, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { ROUTER_APP, ROUTER_INSTANCE_KEY, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, redriveOutcomeTopicOf, redriveTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { deadLetterRecord, redriveOutcomeOf, redriveOutcomeRow } from '@regsync/messaging/dead-letter-redrive';
import { ensureTopics, kafkaClient } from '@regsync/messaging/broker';
import { keyRingGroupPrefixOf } from '@regsync/messaging/crypto-shredding';
import { ObservabilityModule, RegsyncMetrics } from '@regsync/observability/telemetry';
import { RegisterSnapshotSource } from '@regsync/observability/register-drift-check';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { ServiceDatabaseModule, startService } from '@regsync/service-runtime/service-startup';
import { loadLocalIdpConfig } from '@regsync/apps/local-idp/src/config';
import { LocalIdp, startLocalIdp } from '@regsync/apps/local-idp/src/local-idp';
import { startTestSchemaRegistry, TestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { loadOpsDashboardConfig } from '@regsync/apps/ops-dashboard/src/config';
import { startOpsDashboard } from '@regsync/apps/ops-dashboard/src/start-ops-dashboard';
import { freePort } from './support/free-port';
import { logInThroughIdp } from './support/log-in-through-idp';
import { LocalPrometheus } from '@regsync/local-stack/local-prometheus';
import { workspaceRoot } from '@regsync/local-stack/local-stack';
import type { AlertsView } from '@regsync/apps/ops-dashboard/src/alerts/prometheus-alerts.service';
import { PrometheusAlerts } from '@regsync/apps/ops-dashboard/src/alerts/prometheus-alerts.service';
import { kafkaEnvironmentOf, loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { loadRouterConfig } from '@regsync/apps/router/src/config';
import { RouterModule } from '@regsync/apps/router/src/router.module';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';
import type { EventPath } from '@regsync/apps/ops-dashboard/src/paths/event-path';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connection = loadKafkaConnection();
const namespace = `t_dash_${randomUUID().slice(0, 8)}`;
/** What the router delivers to Osnabrück: the topic the municipal consumer group reads. */
const personTopic = deliveryTopicOf('municipal-register', '03404000', namespace);
const municipalGroup = consumerGroupOf('municipal-register', '03404000', namespace);
const dlqTopic = deadLetterTopicOf(municipalGroup);
/** Where the municipal group's dead letters are re-driven, and where it reports what it made of each. */
const municipalRetryTopic = redriveTopicOf(municipalGroup);
const municipalOutcomeTopic = redriveOutcomeTopicOf(municipalGroup);
/** What Osnabrück sends, which only the router reads; the router's group, dead letters and re-drive topic. */
const osnabrueckOutgoing = outgoingTopicOf('municipal-register', '03404000', namespace);
const routerGroup = consumerGroupOf(ROUTER_APP, ROUTER_INSTANCE_KEY, namespace);
const keyRingGroup = `${keyRingGroupPrefixOf(municipalGroup)}${randomUUID()}`;
const routerDlqTopic = deadLetterTopicOf(routerGroup);
const routerRedriveTopic = redriveTopicOf(routerGroup);
const apiKey = 'local-ops-test-key';
const password = () => randomBytes(12).toString('base64url');
/** The people of this test, each with the roles the provider puts in the ID token. */
const users = {
  viewer: { username: 'viewer', password: password(), name: 'Vera Viewer', roles: ['viewer'] },
  dpo: { username: 'dpo', password: password(), name: 'Dana Datenschutz', roles: ['viewer', 'data-viewer'] },
  operator: { username: 'operator', password: password(), name: 'Otto Operator', roles: ['viewer', 'operator'] },
  lead: { username: 'lead', password: password(), name: 'Lena Lead', roles: ['viewer', 'data-viewer', 'operator'] },
  guest: { username: 'guest', password: password(), name: 'Gustav Gast', roles: ['offline_access'] },
};

// testTimeout of jest.preset.cjs is not applied when Jest runs all projects from the root config
jest.setTimeout(90_000);

/** A register instance as the dashboard sees it: /health, /metrics and /ops/registers over a real database. */
async function startInstance(app: string, instanceKey: string, metrics: RegsyncMetrics, registers: RegisterSnapshotSource[]): Promise<INestApplication> {
  @Module({
    imports: [
      ServiceDatabaseModule.forRoot({ service: app, instanceKey, serverUrl, databaseName: instanceDatabaseName(app.replace('-register', ''), instanceKey, namespace), entities: [], migrations: [] }),
      ObservabilityModule.forRoot({ metrics, registers, opsApiKeys: { 'ops-dashboard': apiKey } }),
    ],
  })
  class InstanceModule {}
  const instance = await NestFactory.create(InstanceModule, { logger: false });
  await instance.listen(0, '127.0.0.1');
  return instance;
}

function urlOf(app: INestApplication): string {
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    value = await probe();
  }
  return value;
}

/** The first `count` records of a topic, read as the admin. */
async function readTopic(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafkaClient(connection, { clientId: 'ops-dashboard-test-reader', logLevel: logLevel.NOTHING }).consumer({ groupId: `${namespace}.test-reader.${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records: KafkaMessage[] = [];
  try {
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          records.push(message);
          if (records.length === count) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

describe('ops dashboard API against the real broker, registry and databases', () => {
  const kafka = kafkaClient(connection, { clientId: 'ops-dashboard-test', logLevel: logLevel.NOTHING });
  const municipalMetrics = new RegsyncMetrics({ service: 'municipal-register', instance: '03404000' });
  const stateMetrics = new RegsyncMetrics({ service: 'state-register', instance: '03' });
  const routerMetrics = new RegsyncMetrics({ service: 'router', instance: ROUTER_INSTANCE_KEY });
  const correlationId = randomUUID();
  const routerCorrelationId = randomUUID();
  let admin: Admin;
  let registry: TestSchemaRegistry;
  let municipal: INestApplication;
  let state: INestApplication;
  let router: INestApplication;
  let routerDeadLetterOffset: string;
  let dashboard: INestApplication;
  let idp: LocalIdp;
  /** Debian's Prometheus, scraping the instances and the dashboard every second with the shipped rules and one of this test. */
  let prometheus: LocalPrometheus;
  const prometheusDir = mkdtempSync(join(tmpdir(), 'regsync-prometheus-'));
  let deadLetterOffset: string;
  /** The Cookie header of each person's dashboard session, logged in through the provider's form. */
  const sessions: Record<keyof typeof users, string> = { viewer: '', dpo: '', operator: '', lead: '', guest: '' };

  beforeAll(async () => {
    registry = await startTestSchemaRegistry({ databaseUrl: serverUrl, namespace });
    municipal = await startInstance('municipal-register', '03404000', municipalMetrics, [
      { dataset: 'person.residence', register: 'MELDEREGISTER', authoritative: true, sql: `select * from (values ('36574261809', '03', 'Domhof 1'), ('12345678995', '03', 'Markt 2')) as r(subject_id, scope, address)` },
    ]);
    state = await startInstance('state-register', '03', stateMetrics, [
      { dataset: 'person.residence', register: 'LANDESMELDEREGISTER', authoritative: false, replicaScope: '03', sql: `select * from (values ('36574261809', 'Domhof 1'), ('12345678995', 'Markt 3')) as r(subject_id, address)` },
    ]);
    router = await startInstance(ROUTER_APP, ROUTER_INSTANCE_KEY, routerMetrics, []);
    await ensureTopics(kafka, { app: 'municipal-register', instanceKey: '03404000', namespace });
    await ensureTopics(kafka, { app: ROUTER_APP, instanceKey: ROUTER_INSTANCE_KEY, namespace, consumes: [osnabrueckOutgoing] });
    admin = kafka.admin();
    await admin.connect();

    // one event of a citizen action on the person topic, and its dead letter for the municipal consumer
    const codec = await EventCodec.connect(registry.url);
    const event: MovedOut = {
      envelope: {
        eventId: randomUUID(),
        eventType: 'MovedOut',
        occurredAt: new Date('2026-01-05T09:30:00Z'),
        source: { level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' },
        subject: { kind: 'PERSON', id: '36574261809' },
        subjectVersion: 4,
        correlationId,
        causationId: null,
        legalBasis: '§ 33 BMG',
      },
      idnr: '36574261809',
      movedOutOn: new Date('2026-01-05T00:00:00Z'),
      fromMunicipalityKey: '03404000',
      toMunicipalityKey: '14612000',
    };
    const producer = kafka.producer();
    await producer.connect();
    const headers = { [KAFKA_HEADERS.eventType]: 'MovedOut', [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.correlationId]: correlationId };
    const [sent] = await producer.send({ topic: personTopic, acks: -1, messages: [{ key: '36574261809', value: codec.encode(event), headers }] });
    const original: KafkaMessage = { key: Buffer.from('36574261809'), value: codec.encode(event), headers, offset: sent.baseOffset!, timestamp: String(Date.now()), attributes: 0 };
    const failure = { reasonCode: 'not-authoritative', reason: 'MovedOut: only the Melderegister of 03404000 may send this', sourceTopic: personTopic, sourcePartition: sent.partition, consumerGroup: municipalGroup, attempts: 1 };
    const [deadLettered] = await producer.send({ topic: dlqTopic, acks: -1, messages: [deadLetterRecord(original, failure), { key: 'x', value: Buffer.from('not avro'), headers: { ...deadLetterRecord(original, { ...failure, reasonCode: 'undecodable', reason: 'not in Confluent wire format' }).headers, [KAFKA_HEADERS.correlationId]: 'other' } }] });
    deadLetterOffset = deadLettered.baseOffset!;

    // an event Osnabrück sent, which the router dead-lettered (its outgoing topic and the router's dead letter)
    const routed: MovedOut = { ...event, envelope: { ...event.envelope, eventId: randomUUID(), correlationId: routerCorrelationId, subjectVersion: 5 } };
    const routedHeaders = { [KAFKA_HEADERS.eventType]: 'MovedOut', [KAFKA_HEADERS.eventId]: routed.envelope.eventId, [KAFKA_HEADERS.correlationId]: routerCorrelationId };
    const [sentByOsnabrueck] = await producer.send({ topic: osnabrueckOutgoing, acks: -1, messages: [{ key: '36574261809', value: codec.encode(routed), headers: routedHeaders }] });
    const routedOriginal: KafkaMessage = { key: Buffer.from('36574261809'), value: codec.encode(routed), headers: routedHeaders, offset: sentByOsnabrueck.baseOffset!, timestamp: String(Date.now()), attributes: 0 };
    const routerFailure = { reasonCode: 'retries-exhausted', reason: 'database: connection refused', sourceTopic: osnabrueckOutgoing, sourcePartition: sentByOsnabrueck.partition, consumerGroup: routerGroup, attempts: 5 };
    const [routerDeadLettered] = await producer.send({ topic: routerDlqTopic, acks: -1, messages: [deadLetterRecord(routedOriginal, routerFailure)] });
    routerDeadLetterOffset = routerDeadLettered.baseOffset!;
    await producer.disconnect();
    // nor did the router read it: the record is the router's lag
    await admin.setOffsets({ groupId: routerGroup, topic: osnabrueckOutgoing, partitions: Array.from({ length: 6 }, (_, partition) => ({ partition, offset: '0' })) });

    // the municipal group read nothing yet: everything on the person topic is its lag
    await admin.setOffsets({ groupId: municipalGroup, topic: personTopic, partitions: Array.from({ length: 6 }, (_, partition) => ({ partition, offset: '0' })) });
    // a key ring's group (one per service start), here with an offset so it would have lag to show
    await admin.setOffsets({ groupId: keyRingGroup, topic: personTopic, partitions: Array.from({ length: 6 }, (_, partition) => ({ partition, offset: '0' })) });

    const topology = JSON.stringify({
      instances: [
        { app: 'municipal-register', instanceKey: '03404000', name: 'Osnabrück', baseUrl: urlOf(municipal), apiKey },
        { app: 'state-register', instanceKey: '03', name: 'Niedersachsen', baseUrl: urlOf(state), apiKey },
        { app: 'federal-register', instanceKey: 'DE', name: 'Bund', baseUrl: 'http://127.0.0.1:9', apiKey },
      ],
      router: { name: 'Router', baseUrl: urlOf(router) },
    });
    const dashboardUrl = `http://127.0.0.1:${await freePort()}`;
    const testRules = join(prometheusDir, 'test.rules.yaml');
    writeFileSync(testRules, JSON.stringify({ groups: [{ name: 'test', rules: [{ alert: 'RegsyncTestAlwaysFiring', expr: 'vector(1)', labels: { severity: 'info' }, annotations: { summary: 'fires at the first evaluation' } }] }] }));
    prometheus = new LocalPrometheus({
      port: await freePort(),
      dataDir: prometheusDir,
      intervalSeconds: 1,
      alertsManifest: join(workspaceRoot(), 'deploy', 'prometheus', 'alerts.yaml'),
      extraRuleFiles: [testRules],
      targets: [
        { baseUrl: urlOf(municipal), service: 'municipal-register', instance: '03404000' },
        { baseUrl: urlOf(state), service: 'state-register', instance: '03' },
        { baseUrl: urlOf(router), service: ROUTER_APP, instance: ROUTER_INSTANCE_KEY },
        { baseUrl: 'http://127.0.0.1:9', service: 'federal-register', instance: 'DE' },
        { baseUrl: dashboardUrl, service: 'ops-dashboard', instance: 'ops' },
      ],
    });
    await prometheus.start();
    const client = { clientId: 'regsync-ops-dashboard', clientSecret: randomBytes(32).toString('base64url'), redirectUris: [`${dashboardUrl}/auth/callback`], postLogoutRedirectUris: [`${dashboardUrl}/`] };
    idp = await startLocalIdp(loadLocalIdpConfig({ PORT: '0', LOCAL_IDP_USERS: JSON.stringify(Object.values(users)), LOCAL_IDP_CLIENTS: JSON.stringify([client]) }));
    Logger.overrideLogger(['error']);
    const config = loadOpsDashboardConfig({
      ...kafkaEnvironmentOf(connection),
      DATABASE_URL: serverUrl,
      SCHEMA_REGISTRY_URL: registry.url,
      NAMESPACE: namespace,
      TOPOLOGY: topology,
      PORT: new URL(dashboardUrl).port,
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_CLIENT_ID: client.clientId,
      OIDC_CLIENT_SECRET: client.clientSecret,
      OIDC_REDIRECT_URL: client.redirectUris[0],
      PROMETHEUS_URL: prometheus.url,
    });
    dashboard = await startOpsDashboard(config);
    for (const who of ['viewer', 'dpo', 'operator', 'lead'] as const) sessions[who] = await logInThroughIdp(dashboardUrl, users[who].username, users[who].password);
  });

  afterAll(async () => {
    await dashboard?.close();
    await Promise.all([municipal?.close(), state?.close(), router?.close(), registry?.app.close(), idp?.close(), prometheus?.stop()]);
    rmSync(prometheusDir, { recursive: true, force: true });
    await admin?.deleteGroups([municipalGroup, routerGroup, keyRingGroup]).catch(() => undefined);
    const topics = (await admin?.listTopics().catch(() => [] as string[])) ?? [];
    await admin?.deleteTopics({ topics: topics.filter((topic) => topic.startsWith(`${namespace}.`)) }).catch(() => undefined);
    await admin?.disconnect();
    await Promise.all(
      [instanceDatabaseName('municipal', '03404000', namespace), instanceDatabaseName('state', '03', namespace), instanceDatabaseName(ROUTER_APP, ROUTER_INSTANCE_KEY, namespace), instanceDatabaseName('schema_registry', undefined, namespace), instanceDatabaseName('ops_dashboard', undefined, namespace)].map((name) => dropDatabase(serverUrl, name)),
    );
  });

  // the dashboard as the lead (every role) sees it
  const api = (path: string, as: keyof typeof users = 'lead') => request(dashboard.getHttpServer()).get(path).set('cookie', sessions[as]);
  const redrive = (body: object, as: keyof typeof users) => request(dashboard.getHttpServer()).post('/api/dead-letters/redrive').set('cookie', sessions[as]).send(body);

  it.each(['/api/instances', '/api/lag', '/api/throughput', '/api/outbox', '/api/dead-letters', '/api/drift', '/api/correlation', '/api/audit/redrives', '/api/session', '/api/history', '/api/alerts'])('answers %s without a session with 401 and the HttpError body', async (path) => {
    const response = await request(dashboard.getHttpServer()).get(path).expect(401);
    expect(response.body).toEqual({ error: expect.stringMatching(/^login required/) });
  });

  it('sends an anonymous visitor of the page to the login, and the login to the provider with PKCE', async () => {
    await request(dashboard.getHttpServer()).get('/').expect(303).expect('location', 'auth/login');
    const login = await request(dashboard.getHttpServer()).get('/auth/login').expect(303);
    const authorization = new URL(login.headers.location);
    expect(`${authorization.origin}`).toBe(idp.issuer);
    expect(Object.fromEntries(authorization.searchParams)).toMatchObject({ response_type: 'code', client_id: 'regsync-ops-dashboard', code_challenge_method: 'S256', scope: 'openid profile roles' });
    expect(login.headers['set-cookie'][0]).toMatch(/HttpOnly/);
    expect(login.headers['set-cookie'][0]).toMatch(/SameSite=Lax/);
  });

  it('refuses a wrong password at the provider, and a person without a dashboard role at the callback with 403', async () => {
    await expect(logInThroughIdp(urlOf(dashboard), 'viewer', 'not-the-password')).rejects.toThrow(/HTTP 401 .*Unknown user or wrong password/s);
    await expect(logInThroughIdp(urlOf(dashboard), 'guest', users.guest.password)).rejects.toThrow(/HTTP 403 .*none of the roles viewer, data-viewer, operator/s);
  });

  it('documents the 401 of every API operation and the 403 of the re-drive in its OpenAPI document, with the HttpError body', async () => {
    const { body: document } = await request(dashboard.getHttpServer()).get('/openapi.json').expect(200);
    const httpError = { content: { 'application/json': { schema: { $ref: '#/components/schemas/HttpError' } } } };
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [method, operation] of Object.entries(operations)) if (path.startsWith('/api/')) expect([method, path, operation.responses['401']]).toEqual([method, path, expect.objectContaining(httpError)]);
    }
    expect(document.paths['/api/dead-letters/redrive'].post.responses['403']).toMatchObject({ description: 'the person lacks the operator role', ...httpError });
  });

  it('names the logged-in person and roles from the ID token', async () => {
    await api('/api/session', 'viewer').expect(200, { subject: 'viewer', name: 'Vera Viewer', roles: ['viewer'], maySeePersonalData: false, mayRedrive: false });
    await api('/api/session', 'lead').expect(200, { subject: 'lead', name: 'Lena Lead', roles: ['viewer', 'data-viewer', 'operator'], maySeePersonalData: true, mayRedrive: true });
  });

  it('serves the dashboard page', async () => {
    const response = await api('/').expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('<title>regsync operations</title>');
  });

  it('reports each instance as up or unreachable from its readiness endpoint', async () => {
    const response = await api('/api/instances').expect(200);
    expect(response.body.map((instance: { id: string; status: string }) => [instance.id, instance.status])).toEqual([
      ['municipal-register 03404000', 'up'],
      ['state-register 03', 'up'],
      ['federal-register DE', 'unreachable'],
      ['router main', 'up'],
    ]);
    expect(response.body[3]).toMatchObject({ name: 'Router', checks: { database: { healthy: true } } });
    expect(response.body[0].checks.database).toEqual({ healthy: true });
  });

  it('shows the lag of a consumer group per partition from Kafka offsets', async () => {
    const response = await api('/api/lag').expect(200);
    const group = response.body.find((candidate: { group: string }) => candidate.group === municipalGroup);
    expect(group).toMatchObject({ state: 'Empty', members: 0, totalLag: 1 });
    expect(group.partitions).toHaveLength(6);
    expect(group.partitions.filter((partition: { lag: number }) => partition.lag === 1)).toHaveLength(1);
    const router = response.body.find((candidate: { group: string }) => candidate.group === routerGroup);
    expect(router).toMatchObject({ totalLag: 1 });
    expect(router.partitions.every((partition: { topic: string }) => partition.topic === osnabrueckOutgoing)).toBe(true);
    // the key ring's group is there, with lag, but is no row of the table
    expect((await admin.listGroups()).groups.map((candidate) => candidate.groupId)).toContain(keyRingGroup);
    expect(response.body.map((candidate: { group: string }) => candidate.group)).not.toContain(keyRingGroup);
  });

  it('lists dead letters with reason and decoded payload, and undecodable ones with the reason they do not decode', async () => {
    const response = await eventually(
      () => api('/api/dead-letters'),
      (candidate) => candidate.body.length === 3,
    );
    const decoded = response.body.find((deadLetter: { id: string }) => deadLetter.id === `${dlqTopic}/0/${deadLetterOffset}`);
    expect(decoded).toMatchObject({ topic: dlqTopic, reasonCode: 'not-authoritative', consumerGroup: municipalGroup, sourceTopic: personTopic, eventType: 'MovedOut', correlationId, redriven: false });
    expect(decoded.payload).toMatchObject({ idnr: '36574261809', toMunicipalityKey: '14612000', envelope: { subjectVersion: 4 } });
    const undecodable = response.body.find((deadLetter: { reasonCode: string }) => deadLetter.reasonCode === 'undecodable');
    expect(undecodable.decodeError).toMatch(/not in Confluent wire format/);
    expect(undecodable.payload).toBeUndefined();
  });

  it("re-drives a dead letter once onto its group's retry topic, never its delivery topic, and shows the outcome the group reports", async () => {
    const before = await admin.fetchTopicOffsets(personTopic);
    const body = { topic: dlqTopic, partition: 0, offset: deadLetterOffset };
    const refused = await redrive(body, 'dpo').expect(403);
    expect(refused.body).toEqual({ error: 'role operator required; Dana Datenschutz has viewer, data-viewer' });
    const logged = jest.spyOn(Logger.prototype, 'log');
    const redriven = await redrive(body, 'operator').expect(200);
    expect(redriven.body).toEqual({ redriven: `${dlqTopic}/0/${deadLetterOffset}`, to: municipalRetryTopic, partition: expect.any(Number), offset: expect.any(String) });
    await redrive(body, 'operator').expect(409);
    // other groups reading the delivery topic never see it
    expect(await admin.fetchTopicOffsets(personTopic)).toEqual(before);
    const [offered] = await readTopic(municipalRetryTopic, 1);
    expect(headerText(offered.headers?.[KAFKA_HEADERS.sentOnTopic])).toBe(personTopic);
    const list = await api('/api/dead-letters').expect(200);
    const listed = list.body.find((deadLetter: { id: string }) => deadLetter.id === `${dlqTopic}/0/${deadLetterOffset}`);
    expect(listed).toMatchObject({ redriven: true });
    expect(listed.redriveOutcome).toBeUndefined();

    // who did it, when and what: a structured log line and a persisted record every role can read
    const auditLines = logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('"audit":"dead-letter-redriven"'));
    expect(auditLines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ userSubject: 'operator', userName: 'Otto Operator', deadLetter: `${dlqTopic}/0/${deadLetterOffset}`, eventType: 'MovedOut', correlationId })]);
    const audit = await api('/api/audit/redrives', 'viewer').expect(200);
    const entry = {
      redrivenAt: expect.any(String),
      userSubject: 'operator',
      userName: 'Otto Operator',
      deadLetter: `${dlqTopic}/0/${deadLetterOffset}`,
      sourceTopic: personTopic,
      redrivenTo: municipalRetryTopic,
      redrivenPartition: redriven.body.partition,
      redrivenOffset: redriven.body.offset,
      reasonCode: 'not-authoritative',
      eventType: 'MovedOut',
      correlationId,
    };
    expect(audit.body).toEqual([{ ...entry, outcome: null, outcomeDetail: null, outcomeAt: null }]);
    expect(Date.now() - Date.parse(audit.body[0].redrivenAt)).toBeLessThan(10 * 60_000);

    // The group reports what it made of the re-driven record on its outcome topic (written here as its consumer
    // writes it: the consumer's side is tested in apps/replay/test/redrive-dead-letter.int-spec.ts): dropped as stale.
    const producer = kafka.producer();
    await producer.connect();
    const outcome = redriveOutcomeOf(municipalGroup, municipalRetryTopic, redriven.body.partition, { ...offered, offset: redriven.body.offset }, {
      kind: 'done',
      outcome: 'stale',
      eventType: 'MovedOut',
      previousVersion: 6,
    });
    const row = redriveOutcomeRow(municipalOutcomeTopic, outcome);
    await producer.send({ topic: municipalOutcomeTopic, acks: -1, messages: [{ key: row.key, value: row.value }] });
    await producer.disconnect();
    const reported = await eventually(
      () => api('/api/dead-letters'),
      (candidate) => candidate.body.find((deadLetter: { id: string }) => deadLetter.id === `${dlqTopic}/0/${deadLetterOffset}`)?.redriveOutcome !== undefined,
    );
    expect(reported.body.find((deadLetter: { id: string }) => deadLetter.id === `${dlqTopic}/0/${deadLetterOffset}`).redriveOutcome).toMatchObject({ kind: 'dropped-as-stale', previousVersion: 6 });
    const completed = await eventually(
      () => api('/api/audit/redrives', 'viewer'),
      (candidate) => candidate.body[0]?.outcome !== null,
    );
    expect(completed.body).toEqual([{ ...entry, outcome: 'dropped-as-stale', outcomeDetail: expect.stringMatching(/^DROPPED AS STALE/), outcomeAt: expect.any(String) }]);
    const outcomeLines = logged.mock.calls.map(([line]) => String(line)).filter((line) => line.includes('"audit":"dead-letter-redrive-outcome"'));
    logged.mockRestore();
    expect(outcomeLines.map((line) => JSON.parse(line))).toEqual([expect.objectContaining({ redrivenTo: municipalRetryTopic, outcome: 'dropped-as-stale' })]);
  });

  it("lists the router's dead letter and re-drives it to the router's retry topic, never onto the sender's outgoing topic", async () => {
    const list = await api('/api/dead-letters').expect(200);
    const id = `${routerDlqTopic}/0/${routerDeadLetterOffset}`;
    expect(list.body.find((deadLetter: { id: string }) => deadLetter.id === id)).toMatchObject({ consumerGroup: routerGroup, sourceTopic: osnabrueckOutgoing, reasonCode: 'retries-exhausted', eventType: 'MovedOut', correlationId: routerCorrelationId });
    const sent = await admin.fetchTopicOffsets(osnabrueckOutgoing);
    const redriven = await redrive({ topic: routerDlqTopic, partition: 0, offset: routerDeadLetterOffset }, 'operator').expect(200);
    expect(redriven.body).toMatchObject({ redriven: id, to: routerRedriveTopic });
    expect(await admin.fetchTopicOffsets(osnabrueckOutgoing)).toEqual(sent);
    const [offered] = await readTopic(routerRedriveTopic, 1);
    expect(headerText(offered.headers?.[KAFKA_HEADERS.sentOnTopic])).toBe(osnabrueckOutgoing);
    expect(headerText(offered.headers?.[KAFKA_HEADERS.correlationId])).toBe(routerCorrelationId);
    expect(Object.keys(offered.headers ?? {}).filter((name) => name.startsWith('regsync-dlq-'))).toEqual([]);
    // the audit says where the record went, not only where it came from
    const audit = await api('/api/audit/redrives', 'viewer').expect(200);
    expect(audit.body.find((entry: { deadLetter: string }) => entry.deadLetter === id)).toMatchObject({ sourceTopic: osnabrueckOutgoing, redrivenTo: routerRedriveTopic });
  });

  it('shows a viewer dead letters, the trace and drift without the IdNr or any decoded field, and a data-viewer with them', async () => {
    for (const path of ['/api/dead-letters', `/api/correlation/${correlationId}`, '/api/drift']) {
      const forViewer = await api(path, 'viewer').expect(200);
      expect([path, JSON.stringify(forViewer.body)]).not.toEqual([path, expect.stringMatching(/36574261809|12345678995|14612000/)]);
      const forDpo = await api(path, 'dpo').expect(200);
      expect([path, JSON.stringify(forDpo.body)]).toEqual([path, expect.stringMatching(/36574261809|12345678995/)]);
    }
    const deadLetters = await api('/api/dead-letters', 'viewer').expect(200);
    expect(deadLetters.body.find((deadLetter: { id: string }) => deadLetter.id === `${dlqTopic}/0/${deadLetterOffset}`)).toMatchObject({ key: '36•••••••09', reasonCode: 'not-authoritative', eventType: 'MovedOut', personalDataWithheld: true });
    const drift = await api('/api/drift', 'viewer').expect(200);
    expect(drift.body.reports[0]).toMatchObject({ different: ['12•••••••95'], driftedSubjects: 1 });
  });

  it('ends the session at logout and sends the browser to the provider to end its own', async () => {
    const lead = await logInThroughIdp(urlOf(dashboard), 'lead', users.lead.password);
    await request(dashboard.getHttpServer()).get('/api/session').set('cookie', lead).expect(200);
    const logout = await request(dashboard.getHttpServer()).post('/auth/logout').set('cookie', lead).expect(303);
    expect(logout.headers.location).toMatch(new RegExp(`^${idp.issuer}/session/end\\?.*id_token_hint=`));
    await request(dashboard.getHttpServer()).get('/api/session').set('cookie', lead).expect(401);
  });

  it('traces a correlation id through its events in time order, with the re-driven copy', async () => {
    const response = await eventually(
      () => api(`/api/correlation/${correlationId}`),
      (candidate) => candidate.body.steps?.length === 2,
    );
    expect(response.body.steps[0]).toMatchObject({ topic: personTopic, eventType: 'MovedOut', summary: { source: { level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' }, occurredAt: '2026-01-05T09:30:00.000Z' } });
    expect(response.body.steps[1].redrivenFrom).toBe(`${dlqTopic}/0/${deadLetterOffset}`);
    expect(response.body.deadLetters.map((deadLetter: { reasonCode: string }) => deadLetter.reasonCode)).toEqual(['not-authoritative']);
  });

  it('compares the replica with the authoritative register per subject and names the drifted one', async () => {
    const response = await api('/api/drift').expect(200);
    expect(response.body.unavailable).toEqual([{ instance: 'federal-register DE', reason: expect.any(String) }]);
    // the router keeps no register: not asked
    expect(response.body.notCompared).toEqual([]);
    expect(response.body.reports).toHaveLength(1);
    expect(response.body.reports[0]).toMatchObject({ dataset: 'person.residence', replica: 'state-register 03', expectedCount: 2, replicaCount: 2, inSync: false, different: ['12345678995'], missing: [], unexpected: [], driftedSubjects: 1 });
  });

  it('exports drift, pending dead letters and instance readiness on its own /metrics for the alerts', async () => {
    const response = await request(dashboard.getHttpServer()).get('/metrics').expect(200);
    expect(response.text).toMatch(/regsync_register_drift_subjects\{dataset="person.residence",replica="state-register 03",[^}]*\} 1/);
    expect(response.text).toMatch(new RegExp(`regsync_dead_letters_pending\\{topic="${dlqTopic.replace(/\./g, '\\.')}",[^}]*\\} 1`));
    expect(response.text).toMatch(/regsync_instance_up\{app="federal-register",instance_key="DE",[^}]*\} 0/);
  });

  it('derives throughput and outbox backlog from the instances\' /metrics', async () => {
    municipalMetrics.eventsProduced.inc({ event_type: 'MovedOut' }, 2);
    municipalMetrics.outboxBacklog.set(3);
    await api('/api/throughput').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    municipalMetrics.eventsProduced.inc({ event_type: 'MovedOut' }, 5);
    // The dashboard reads the instances' /metrics on its own schedule too: wait for a reading that has the 5 more.
    let throughput = await api('/api/throughput').expect(200);
    for (const deadline = Date.now() + 30_000; throughput.body[0]?.totals?.produced !== 7 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      throughput = await api('/api/throughput').expect(200);
    }
    const outbox = await api('/api/outbox').expect(200);
    expect(throughput.body[0]).toMatchObject({ id: 'municipal-register 03404000', reachable: true, totals: { produced: 7 }, producedByEventType: { MovedOut: 7 } });
    expect(throughput.body[0].producedPerSecond).toBeGreaterThan(0);
    expect(throughput.body[2]).toMatchObject({ id: 'federal-register DE', reachable: false });
    expect(outbox.body[0]).toMatchObject({ backlog: 3, oldestAgeSeconds: 0 });
  });
  it('keeps rates, outbox backlog, lag and pending dead letters over time, per instance and group, for each window', async () => {
    type View = { window: string; stepSeconds: number; charts: Array<{ id: string; times: number[]; series: Array<{ label: string; values: Array<number | null> }> }> };
    const values = (view: View, chart: string, label: string) => view.charts.find((candidate) => candidate.id === chart)?.series.find((series) => series.label === label)?.values.filter((value) => value !== null) ?? [];
    municipalMetrics.outboxBacklog.set(3);
    municipalMetrics.eventsProduced.inc({ event_type: 'MovedOut' }, 4);
    const view = await eventually(
      async () => (await api('/api/history?window=15m').expect(200)).body as View,
      (candidate) =>
        values(candidate, 'outbox-backlog', 'municipal-register 03404000').includes(3) &&
        values(candidate, 'produced', 'municipal-register 03404000').some((rate) => rate! > 0) &&
        values(candidate, 'lag', 'municipal-register.03404000').some((lag) => lag! > 0) &&
        values(candidate, 'dead-letters', 'municipal-register.03404000').length > 0,
    );
    expect(view).toMatchObject({ window: '15m', stepSeconds: 2 });
    expect(view.charts.map((chart) => chart.id)).toEqual(['produced', 'applied', 'lag', 'outbox-backlog', 'outbox-age', 'dead-letters', 'latency']);
    for (const chart of view.charts) {
      expect(chart.times).toEqual([...chart.times].sort((a, b) => a - b));
      for (const series of chart.series) expect(series.values).toHaveLength(chart.times.length);
    }
    // the unreachable federal instance has no series, not a series of zeros
    expect(values(view, 'outbox-backlog', 'federal-register DE')).toEqual([]);
    expect((await api('/api/history?window=24h').expect(200)).body).toMatchObject({ window: '24h', stepSeconds: 192 });
    await api('/api/history?window=2d').expect(400, { error: 'window: must be one of 15m, 1h, 6h, 24h' });
  });

  it('serves the chart library itself, so the page loads nothing from elsewhere', async () => {
    const script = await request(dashboard.getHttpServer()).get('/assets/uplot.min.js').expect(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.text).toContain('uPlot');
    await request(dashboard.getHttpServer()).get('/assets/uplot.min.css').expect(200).expect('content-type', /text\/css/);
    const page = await api('/').expect(200);
    expect(page.headers['content-security-policy']).toBe("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'");
    expect(page.text).toContain('<script src="assets/uplot.min.js"></script>');
  });

  it("shows the alerts Prometheus evaluates over the instances' and its own metrics: shipped rules and the test's own", async () => {
    const alert = (view: AlertsView, name: string, labels: Record<string, string> = {}) => view.alerts.find((candidate) => candidate.name === name && Object.entries(labels).every(([label, value]) => candidate.labels[label] === value));
    const query = async (promql: string) => ((await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as { data: { result: unknown[] } }).data.result;
    // a dead letter counter Prometheus has seen once, then one more dead letter: RegsyncDeadLettersAppearing (no `for`)
    municipalMetrics.deadLetters.inc({ reason_code: 'not-authoritative' });
    await eventually(() => query('regsync_dead_letters_total{service="municipal-register",instance="03404000"}'), (result) => result.length === 1);
    municipalMetrics.deadLetters.inc({ reason_code: 'not-authoritative' });
    await api('/api/instances').expect(200);

    const view = await eventually(
      async () => (await api('/api/alerts', 'viewer').expect(200)).body as AlertsView,
      (candidate) =>
        alert(candidate, 'RegsyncTestAlwaysFiring')?.state === 'firing' &&
        alert(candidate, 'RegsyncDeadLettersAppearing')?.state === 'firing' &&
        // the federal instance does not answer: its readiness (the dashboard's metric) and its scrape, both with a `for`
        alert(candidate, 'RegsyncInstanceNotReady', { app: 'federal-register', instance_key: 'DE' })?.state === 'pending' &&
        alert(candidate, 'RegsyncScrapeDown', { instance: 'DE' })?.state === 'pending',
      60_000,
    );
    expect(view.configured).toBe(true);
    expect(alert(view, 'RegsyncDeadLettersAppearing')).toMatchObject({
      severity: 'warning',
      summary: 'Dead letters at municipal-register 03404000 (not-authoritative)',
      labels: { service: 'municipal-register', instance: '03404000', reason_code: 'not-authoritative' },
      activeAt: expect.any(String),
    });
    expect(alert(view, 'RegsyncInstanceNotReady')).toMatchObject({ severity: 'critical', summary: 'federal-register DE is not ready' });
    // firing before pending
    expect(view.alerts.findIndex((candidate) => candidate.state === 'pending')).toBeGreaterThan(view.alerts.findLastIndex((candidate) => candidate.state === 'firing'));
  });

  it('says which Prometheus does not answer instead of failing the panel', async () => {
    await expect(new PrometheusAlerts('http://127.0.0.1:9').current()).resolves.toEqual({ configured: true, error: expect.stringMatching(/^http:\/\/127\.0\.0\.1:9: /), alerts: [] });
    await expect(new PrometheusAlerts(undefined).current()).resolves.toEqual({ configured: false, alerts: [] });
  });

  it('shows the dead letter of a person whose information block is in force without the address fields', async () => {
    const codec = await EventCodec.connect(registry.url);
    const block: InformationBlockSet = {
      envelope: {
        eventId: randomUUID(),
        eventType: 'InformationBlockSet',
        occurredAt: new Date(),
        source: { level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' },
        subject: { kind: 'PERSON', id: '36574261809' },
        subjectVersion: 5,
        correlationId: randomUUID(),
        causationId: null,
        legalBasis: '§§ 51, 52 BMG',
      },
      idnr: '36574261809',
      blockKind: 'AUSKUNFTSSPERRE',
      validUntil: null,
    };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: personTopic, acks: -1, messages: [{ key: '36574261809', value: codec.encode(block) }] });
    await producer.disconnect();
    const withheld = (body: { id: string; payload?: { informationBlock?: { kind?: string } } }[]) => body.find((deadLetter) => deadLetter.id === `${dlqTopic}/0/${deadLetterOffset}`);
    const response = await eventually(
      () => api('/api/dead-letters'),
      (candidate) => withheld(candidate.body)?.payload?.informationBlock?.kind === 'AUSKUNFTSSPERRE',
    );
    expect(withheld(response.body)?.payload).toMatchObject({ idnr: '36574261809', toMunicipalityKey: null, informationBlock: { addressWithheld: true } });
  });
  describe('where did it go: a real router and a real Land register', () => {
    // Dresden, Leipzig, Sachsen and the BZSt: instances no other test of this file uses, routed by a router of its own
    const pathsRouterKey = 'paths';
    const dresdenOutgoing = outgoingTopicOf('municipal-register', '14612000', namespace);
    const sachsenOutgoing = outgoingTopicOf('state-register', '14', namespace);
    const pathCorrelationId = randomUUID();
    const services: INestApplication[] = [];
    const producerCodec = () => EventCodec.connect(registry.url);
    const envelope = (eventType: string, source: ResidenceRegistered['envelope']['source'], idnr: string) => ({
      eventId: randomUUID(),
      eventType,
      occurredAt: new Date(),
      source,
      subject: { kind: 'PERSON' as const, id: idnr },
      subjectVersion: 1,
      correlationId: pathCorrelationId,
      causationId: null,
      legalBasis: '§ 17 BMG',
    });
    // Anna moves from Leipzig to Dresden (Hauptwohnung): the Rückmeldung to Leipzig, the Land Sachsen, the BZSt
    const move: ResidenceRegistered = {
      envelope: envelope('ResidenceRegistered', { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' }, '36574261809'),
      idnr: '36574261809',
      familyName: 'Schmidt',
      givenNames: 'Anna',
      sex: 'FEMALE',
      dateOfBirth: new Date('1990-03-14T00:00:00Z'),
      address: { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' },
      movedInOn: new Date('2026-01-02T00:00:00Z'),
      previousAddress: { street: 'Markt', houseNumber: '1', postalCode: '04109', city: 'Leipzig', municipalityKey: '14713000' },
      dwellingStatus: 'HAUPTWOHNUNG',
    };
    // a death reported by the Land's mirror, which is not authoritative for deaths: the router refuses it
    const forgedDeath: DeathRecorded = {
      envelope: envelope('DeathRecorded', { level: 'STATE', instanceKey: '14', register: 'LANDESMELDEREGISTER' }, '36574261809'),
      idnr: '36574261809',
      dateOfDeath: new Date('2026-01-03T00:00:00Z'),
      placeOfDeath: 'Dresden',
    };

    beforeAll(async () => {
      const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ ...kafkaEnvironmentOf(connection), DATABASE_URL: serverUrl, SCHEMA_REGISTRY_URL: registry.url, NAMESPACE: namespace, HOST: '127.0.0.1', PORT: '1', ...extra });
      const start = async (title: string, rootModule: Parameters<typeof startService>[0]) => services.push(await startService(rootModule, { title, host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport }));
      await start('router', RouterModule.forRoot(loadRouterConfig(env({ INSTANCE_KEY: pathsRouterKey, ROUTED_INSTANCES: 'MUNICIPAL:14612000,MUNICIPAL:14713000,STATE:14,FEDERAL:DE' }))));
      await start('state-register 14', StateRegisterModule.forRoot(loadStateConfig(env({ INSTANCE_KEY: '14', AGENCY_API_KEYS: `land:${apiKey}`, PROPERTY_TAX_ROLLS: '14612000' }))));
      const codec = await producerCodec();
      const producer = kafka.producer();
      await producer.connect();
      for (const [topic, event] of [[dresdenOutgoing, move], [sachsenOutgoing, forgedDeath]] as const) {
        const headers = { [KAFKA_HEADERS.eventType]: event.envelope.eventType, [KAFKA_HEADERS.eventId]: event.envelope.eventId, [KAFKA_HEADERS.correlationId]: pathCorrelationId };
        await producer.send({ topic, acks: -1, messages: [{ key: event.idnr, value: codec.encode(event), headers }] });
      }
      await producer.disconnect();
    }, 180_000);

    afterAll(async () => {
      for (const service of services.reverse()) await service.close();
      await Promise.all([instanceDatabaseName(ROUTER_APP, pathsRouterKey, namespace), instanceDatabaseName('state', '14', namespace)].map((name) => dropDatabase(serverUrl, name)));
    }, 60_000);

    const pathsOf = async (id: string, as: keyof typeof users = 'lead') => (await api(`/api/paths/${id}`, as).expect(200)).body as { paths: EventPath[] };
    const recipientStates = (path: EventPath | undefined) => path?.recipients.map((recipient) => `${recipient.app} ${recipient.instanceKey} ${recipient.register}: ${recipient.state}`);

    it("shows a routed event's path: exactly its legal recipients, with route, legal basis and each delivery's state", async () => {
      const view = await eventually(
        () => pathsOf(move.envelope.eventId),
        // The dashboard follows a new topic from its beginning with a fresh group: the sent record may come after a delivery.
        (candidate) => (recipientStates(candidate.paths[0])?.includes('state-register 14 LANDESMELDEREGISTER: applied') ?? false) && candidate.paths[0]?.sent !== undefined,
        90_000,
      );
      expect(view.paths).toHaveLength(1);
      const [path] = view.paths;
      expect(path).toMatchObject({ eventType: 'ResidenceRegistered', source: { instanceKey: '14612000' }, sent: { topic: dresdenOutgoing }, router: { state: 'routed', readBy: [consumerGroupOf(ROUTER_APP, pathsRouterKey, namespace)] } });
      // nobody runs Leipzig's or the BZSt's register here: delivered, not applied
      expect(recipientStates(path)).toEqual(['municipal-register 14713000 MELDEREGISTER: delivered', 'state-register 14 LANDESMELDEREGISTER: applied', 'federal-register DE IDNR_BASISDATEN: delivered']);
      expect(path.recipients.map((recipient) => recipient.delivery.topic)).toEqual([deliveryTopicOf('municipal-register', '14713000', namespace), deliveryTopicOf('state-register', '14', namespace), deliveryTopicOf('federal-register', 'DE', namespace)]);
      expect(path.recipients[0].route).toMatchObject({ legalBasis: '§ 33 Abs. 1 BMG', fields: expect.arrayContaining(['previousAddress']) });
      expect(path.recipients.every((recipient) => recipient.route && recipient.route.legalBasis.length > 0 && Date.parse(recipient.delivery.at) >= Date.parse(path.sent!.at))).toBe(true);
    });

    it('says where a refused event stopped: dead-lettered at the router, with the reason, delivered to nobody', async () => {
      const view = await eventually(
        () => pathsOf(pathCorrelationId),
        (candidate) => candidate.paths.some((path) => path.router.state === 'dead-lettered'),
        90_000,
      );
      expect(view.paths.map((path) => path.eventType).sort()).toEqual(['DeathRecorded', 'ResidenceRegistered']);
      const refused = view.paths.find((path) => path.eventType === 'DeathRecorded')!;
      expect(refused).toMatchObject({ sent: { topic: sachsenOutgoing }, router: { state: 'dead-lettered', deadLetter: { consumerGroup: consumerGroupOf(ROUTER_APP, pathsRouterKey, namespace), reasonCode: 'not-authoritative' } }, recipients: [] });
    });

    it('shows a viewer the path without the IdNr, and refuses an id that cannot be one', async () => {
      const forViewer = await pathsOf(pathCorrelationId, 'viewer');
      expect(forViewer.paths).toHaveLength(2);
      expect(JSON.stringify(forViewer)).not.toContain('36574261809');
      expect(forViewer.paths[0].subject.id).toBe('36•••••••09');
      await api('/api/paths/not%20an%20id').expect(400);
      await request(dashboard.getHttpServer()).get(`/api/paths/${pathCorrelationId}`).expect(401);
    });
  });
});

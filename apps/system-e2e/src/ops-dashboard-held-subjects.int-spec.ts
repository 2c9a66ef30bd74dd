import { INestApplication, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { kafkaEnvironmentOf } from '@regsync/service-runtime/service-config';
import { loadLocalIdpConfig } from '@regsync/apps/local-idp/src/config';
import { LocalIdp, startLocalIdp } from '@regsync/apps/local-idp/src/local-idp';
import { loadOpsDashboardConfig } from '@regsync/apps/ops-dashboard/src/config';
import type { HeldSubjectsView } from '@regsync/apps/ops-dashboard/src/held/held-subjects.service';
import { startOpsDashboard } from '@regsync/apps/ops-dashboard/src/start-ops-dashboard';
import { produceEvents } from '@regsync/messaging-testing/produce-events';
import { RunningTestRegister, startTestRegister } from '@regsync/messaging-testing/running-test-register';
import { waitFor } from '@regsync/messaging-testing/test-environment';
import { eventOf, personDraft, subjectId } from '@regsync/messaging-testing/test-events';
import { TEST_APP, TEST_INSTANCE_KEY } from '@regsync/messaging-testing/test-register.module';
import { freePort } from './support/free-port';
import { logInThroughIdp } from './support/log-in-through-idp';

const apiKey = 'ops-dashboard-held-key';
const password = () => randomBytes(12).toString('base64url');
const users = {
  viewer: { username: 'viewer', password: password(), name: 'Vera Viewer', roles: ['viewer'] },
  operator: { username: 'operator', password: password(), name: 'Otto Operator', roles: ['viewer', 'operator'] },
};

jest.setTimeout(120_000);

describe('ops dashboard: subjects held at a gap, read from the instances and released by an operator', () => {
  let register: RunningTestRegister;
  let idp: LocalIdp;
  let dashboard: INestApplication;
  const sessions = { viewer: '', operator: '' };
  const subject = subjectId(501);

  const api = (path: string, who: keyof typeof sessions) => request(dashboard.getHttpServer()).get(path).set('cookie', sessions[who]);
  const appliedVersions = async () =>
    ((await register.dataSource.query('select subject_version from applied_events where subject_id = $1 order by seq', [subject])) as { subject_version: string }[]).map((row) => Number(row.subject_version));

  beforeAll(async () => {
    register = await startTestRegister({ opsApiKeys: { 'ops-dashboard': apiKey } });
    await register.app.listen(0, '127.0.0.1');
    const { env, producer, codec } = register;
    await produceEvents(producer, codec, env.namespace, subject, [
      eventOf(personDraft(subject, 1), 1),
      { event: eventOf(personDraft(subject, 0, 'REFUSED-UNTIL-REPAIRED-3'), 2), deliveredAfter: 1 },
      { event: eventOf(personDraft(subject, 2), 3), deliveredAfter: 2 },
    ]);
    await waitFor('version 3 held', async () => ((await register.dataSource.query('select 1 from regsync_held_event where subject_id = $1', [subject])) as unknown[]).length === 1);

    const dashboardUrl = `http://127.0.0.1:${await freePort()}`;
    const client = { clientId: 'regsync-ops-dashboard', clientSecret: randomBytes(32).toString('base64url'), redirectUris: [`${dashboardUrl}/auth/callback`], postLogoutRedirectUris: [`${dashboardUrl}/`] };
    idp = await startLocalIdp(loadLocalIdpConfig({ PORT: '0', LOCAL_IDP_USERS: JSON.stringify(Object.values(users)), LOCAL_IDP_CLIENTS: JSON.stringify([client]) }));
    Logger.overrideLogger(['error']);
    const baseUrl = `http://127.0.0.1:${(register.app.getHttpServer().address() as AddressInfo).port}`;
    dashboard = await startOpsDashboard(
      loadOpsDashboardConfig({
        ...kafkaEnvironmentOf(env.connection),
        DATABASE_URL: env.databaseUrl,
        SCHEMA_REGISTRY_URL: env.schemaRegistryUrl,
        NAMESPACE: env.namespace,
        TOPOLOGY: JSON.stringify({ instances: [{ app: TEST_APP, instanceKey: TEST_INSTANCE_KEY, name: 'Test register', baseUrl, apiKey }] }),
        PORT: new URL(dashboardUrl).port,
        OIDC_ISSUER_URL: idp.issuer,
        OIDC_CLIENT_ID: client.clientId,
        OIDC_CLIENT_SECRET: client.clientSecret,
        OIDC_REDIRECT_URL: client.redirectUris[0],
      }),
    );
    for (const who of ['viewer', 'operator'] as const) sessions[who] = await logInThroughIdp(dashboardUrl, users[who].username, users[who].password);
  });

  afterAll(async () => {
    await dashboard?.close();
    await idp?.close();
    if (register) await dropDatabase(register.env.databaseUrl, instanceDatabaseName('ops_dashboard', undefined, register.env.namespace));
    await register?.close();
  });

  it('shows a held subject with what it waits for, how many events and since when, its id masked for a viewer', async () => {
    const { body } = (await api('/api/held-subjects', 'viewer').expect(200)) as { body: HeldSubjectsView };
    expect(body.unavailable).toEqual([]);
    expect(body.subjects).toEqual([
      expect.objectContaining({ instance: `${TEST_APP} ${TEST_INSTANCE_KEY}`, authority: TEST_INSTANCE_KEY, subjectKind: 'PERSON', subjectId: '10•••••••01', waitingFor: 2, appliedVersion: 1, held: 1, ref: expect.stringMatching(/^[\w-]{22}$/) }),
    ]);
    expect(Date.parse(body.subjects[0].heldSince)).toBeLessThanOrEqual(Date.now());
  });

  it('lets only an operator release it: its held event is applied over the gap at the instance', async () => {
    const { body } = (await api('/api/held-subjects', 'operator').expect(200)) as { body: HeldSubjectsView };
    const { ref } = body.subjects[0];
    await request(dashboard.getHttpServer()).post('/api/held-subjects/release').set('cookie', sessions.viewer).send({ ref }).expect(403);
    await request(dashboard.getHttpServer()).post('/api/held-subjects/release').set('cookie', sessions.operator).send({ ref: 'not a ref' }).expect(400);
    expect(await appliedVersions()).toEqual([1]);

    const released = await request(dashboard.getHttpServer()).post('/api/held-subjects/release').set('cookie', sessions.operator).send({ ref }).expect(200);
    expect(released.body).toEqual({ instance: `${TEST_APP} ${TEST_INSTANCE_KEY}`, released: [{ eventId: expect.any(String), subjectVersion: 3, outcome: 'gap_applied' }] });
    expect(await appliedVersions()).toEqual([1, 3]);
    expect(((await api('/api/held-subjects', 'operator').expect(200)).body as HeldSubjectsView).subjects).toEqual([]);
    await request(dashboard.getHttpServer()).post('/api/held-subjects/release').set('cookie', sessions.operator).send({ ref }).expect(404);
  });
});

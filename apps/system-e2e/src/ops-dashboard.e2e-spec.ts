import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaMessage, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Browser, Page, chromium } from 'playwright-core';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { DeathRecorded } from '@regsync/contracts/generated/events';
import { consumerGroupOf, deliveryTopicReader, outgoingTopicOf, outgoingTopicOwner, redriveTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { LocalStack, localBrokerCredentials, randomPortOffset, workspaceRoot } from '@regsync/local-stack/local-stack';
import { LOCAL_PROMETHEUS_PORT, LocalPrometheus } from '@regsync/local-stack/local-prometheus';
import type { HistoryView } from '@regsync/apps/ops-dashboard/src/history/metric-history.service';
import type { AlertsView } from '@regsync/apps/ops-dashboard/src/alerts/prometheus-alerts.service';
import type { DriftView } from '@regsync/apps/ops-dashboard/src/drift/drift.service';
import { databaseUrl as databaseUrlOf, instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { kafkaClient } from '@regsync/messaging/broker';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';

// The whole local topology as separate processes, the demo, and the dashboard driven in headless Chromium.
jest.setTimeout(600_000);

const root = workspaceRoot();
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const connection = loadKafkaConnection();
const brokers = connection.brokers.join(',');
const namespace = `e2e_dash_${randomUUID().slice(0, 6)}`;
// beside a running demo (ports 3000-8081) and other e2e stacks, and below Linux's ephemeral ports (32768+), where an
// outgoing connection's local port made a listen fail with EADDRINUSE
const portOffset = randomPortOffset(20_000, 40, 100);
/** Where the forged death is sent: the outgoing topic of Niedersachsen, which the router reads. */
const injectedTopic = outgoingTopicOf('state-register', '03', namespace);
const routerRedriveTopic = redriveTopicOf(consumerGroupOf('router', 'main', namespace));
const screenshotPath = join(root, 'docs', 'dashboard.png');
// a runner that built dist/ once before Jest sets REGSYNC_BUILT=1; otherwise a private build, as dist/ may be in use
const distDir = process.env.REGSYNC_BUILT === '1' ? 'dist' : join('tmp', `dist-${namespace}`);
const demoScript = join(root, distDir, 'libs', 'local-stack', 'src', 'demo-scenario.js');
/** Anna Schmidt of the demo: moved from Osnabrück to Dresden and married there. */
const ANNA = '36574261809';

function runOrFail(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with ${result.status}`);
}

async function eventually<T>(what: string, probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms; last: ${JSON.stringify(value).slice(0, 3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await probe();
  }
  return value;
}

describe('ops dashboard in Chromium while the demo runs', () => {
  const kafka = kafkaClient(connection, { clientId: 'ops-dashboard-e2e', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const logs: string[] = [];
  let stack: LocalStack;
  let prometheus: LocalPrometheus;
  const prometheusDir = mkdtempSync(join(tmpdir(), 'regsync-e2e-prometheus-'));
  let browser: Browser;
  let page: Page;
  let injected: DeathRecorded;

  /** Every committed record of a topic, read directly from Kafka: what the dashboard must show. */
  async function readTopic(topic: string): Promise<KafkaMessage[]> {
    const ends = await admin.fetchTopicOffsets(topic);
    const wanted = ends.reduce((sum, end) => sum + Number(end.high) - Number(end.low), 0);
    const messages: KafkaMessage[] = [];
    if (wanted === 0) return messages;
    const consumer = kafka.consumer({ groupId: `${namespace}.e2e-reader.${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          messages.push(message);
          if (messages.length >= wanted) resolve();
        },
      });
    });
    // transaction markers occupy offsets too, so fewer records than offsets may arrive
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 8_000))]);
    await consumer.disconnect();
    return messages;
  }

  /** Lag of one group computed here from Kafka, as the page must show it. */
  async function lagOf(group: string): Promise<number> {
    const committed = await admin.fetchOffsets({ groupId: group });
    let lag = 0;
    for (const topic of committed.filter((entry) => entry.partitions.some((partition) => Number(partition.offset) >= 0))) {
      const ends = await admin.fetchTopicOffsets(topic.topic);
      for (const end of ends) {
        const offset = Number(topic.partitions.find((partition) => partition.partition === end.partition)?.offset ?? -1);
        lag += Math.max(0, Number(end.high) - (offset >= 0 ? offset : Number(end.low)));
      }
    }
    return lag;
  }

  beforeAll(async () => {
    runOrFail('node', ['tools/ensure-debian-tools.mjs']);
    if (distDir !== 'dist') {
      runOrFail('npm', ['run', '--silent', 'contracts:generate']);
      runOrFail('node', ['tools/build.mjs', '--out-dir', distDir]);
    }
    await admin.connect();
    // as `npm start -- --monitoring`: Prometheus scrapes every service with the shipped rules, the dashboard shows its alerts
    const prometheusUrl = `http://127.0.0.1:${LOCAL_PROMETHEUS_PORT + portOffset}`;
    stack = new LocalStack({ kafkaBrokers: brokers, brokerCredentials: localBrokerCredentials(connection), databaseUrl, namespace, portOffset, distDir, prometheusUrl, onLine: (name, line) => logs.push(`[${name}] ${line}`) });
    try {
      await stack.start();
    } catch (error) {
      const failed = /^(.+?) (ended|not healthy)/.exec((error as Error).message)?.[1] ?? '';
      throw new Error(`${(error as Error).message}\n${logs.filter((line) => line.startsWith(`[${failed}]`)).slice(-40).join('\n')}`);
    }
    prometheus = new LocalPrometheus({
      port: LOCAL_PROMETHEUS_PORT + portOffset,
      dataDir: prometheusDir,
      intervalSeconds: 2,
      targets: stack.scrapeTargets,
      alertsManifest: join(root, 'deploy', 'prometheus', 'alerts.yaml'),
      onLine: (line) => logs.push(`[prometheus] ${line}`),
    });
    await prometheus.start();

    if (existsSync(demoScript)) {
      const { playDemo } = require(demoScript) as { playDemo: (stack: LocalStack, log: (line: string) => void) => Promise<unknown> };
      await playDemo(stack, (line) => logs.push(`[demo] ${line}`));
    }

    // A death reported by a Land's mirror, which is not authoritative for deaths: the router must refuse it.
    const codec = await EventCodec.connect(stack.schemaRegistryUrl);
    injected = {
      envelope: {
        eventId: randomUUID(),
        eventType: 'DeathRecorded',
        occurredAt: new Date(),
        source: { level: 'STATE', instanceKey: '03', register: 'LANDESMELDEREGISTER' },
        subject: { kind: 'PERSON', id: '36574261809' },
        subjectVersion: 1,
        correlationId: randomUUID(),
        causationId: null,
        legalBasis: '§ 33 BMG',
      },
      idnr: '36574261809',
      dateOfDeath: new Date('2026-01-02T00:00:00Z'),
      placeOfDeath: 'Osnabrück',
    };
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: injectedTopic,
      acks: -1,
      messages: [{ key: injected.idnr, value: codec.encode(injected), headers: { [KAFKA_HEADERS.eventType]: 'DeathRecorded', [KAFKA_HEADERS.eventId]: injected.envelope.eventId, [KAFKA_HEADERS.correlationId]: injected.envelope.correlationId } }],
    });
    await producer.disconnect();

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    // the dashboard sends the browser to the local IdP's login form; the lead may see personal data and re-drive
    await page.goto(stack.dashboardUrl);
    await page.waitForSelector('form#login', { timeout: 30_000 });
    expect(new URL(page.url()).origin).toBe(stack.idpUrl);
    const lead = stack.dashboardUsers.find((user) => user.username === 'lead')!;
    await page.fill('#username', lead.username);
    await page.fill('#password', lead.password);
    await Promise.all([page.waitForURL(`${stack.dashboardUrl}/`, { timeout: 30_000 }), page.click('form#login button[type=submit]')]);
    // textContent does not wait for the text: wait until the page has asked /api/session (slow on a loaded machine)
    await page.locator('#user', { hasText: lead.name }).waitFor({ timeout: 60_000 });
    await expect(page.locator('#user').textContent()).resolves.toBe(lead.name);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await prometheus?.stop();
    rmSync(prometheusDir, { recursive: true, force: true });
    const { groups } = await admin.listGroups().catch(() => ({ groups: [] as Array<{ groupId: string }> }));
    await admin.deleteGroups(groups.map((group) => group.groupId).filter((groupId) => groupId.startsWith(`${namespace}.`))).catch(() => undefined);
    const topics = (await admin.listTopics().catch(() => [] as string[])).filter((topic) => topic.startsWith(`${namespace}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    const databases = [instanceDatabaseName('schema_registry', undefined, namespace), instanceDatabaseName('ops_dashboard', undefined, namespace), instanceDatabaseName('router', 'main', namespace), ...(stack?.topology.instances ?? []).map((instance) => instanceDatabaseName(instance.app.replace('-register', ''), instance.instanceKey, namespace))];
    await Promise.all(databases.map((name) => dropDatabase(databaseUrl, name).catch(() => undefined)));
    if (distDir !== 'dist') rmSync(join(root, distDir), { recursive: true, force: true });
  });

  it('shows every instance and the router ready, as its own /health says', async () => {
    const router = { app: 'router', instanceKey: 'main', port: stack.topology.router.port };
    for (const instance of [...stack.topology.instances, router]) {
      const id = `${instance.app} ${instance.instanceKey}`;
      const health = await fetch(`${stack.baseUrl(instance)}/health`);
      expect(health.status).toBe(200);
      await page.waitForSelector(`#instances tr[data-instance="${id}"][data-status="up"]`, { timeout: 20_000 });
    }
    const watched = stack.topology.instances.length + 1;
    await expect(page.locator('#instances [data-summary]').textContent()).resolves.toBe(`${watched} of ${watched} ready`);
  });

  it('shows the lag of every instance consumer group and the router as Kafka reports it', async () => {
    for (const instance of [...stack.topology.instances, { app: 'router', instanceKey: 'main' }]) {
      const group = consumerGroupOf(instance.app, instance.instanceKey, namespace);
      await eventually(
        `lag of ${group} on the page equals Kafka's`,
        async () => ({ page: await page.locator(`#lag tr[data-group="${group}"][data-total-lag]`).getAttribute('data-total-lag', { timeout: 30_000 }), kafka: await lagOf(group) }),
        (lag) => lag.page === String(lag.kafka),
      );
    }
  });

  it('draws the numbers over time in uPlot charts, the series /api/history holds, for the window chosen', async () => {
    const history = async (): Promise<HistoryView> => (await page.request.get(`${stack.dashboardUrl}/api/history?window=15m`)).json() as Promise<HistoryView>;
    // the demo's events went through the router: a rate above 0 is in its history
    const view = await eventually('a produced rate above 0 in the history', history, (candidate) =>
      candidate.charts.find((chart) => chart.id === 'produced')!.series.some((series) => series.values.some((value) => value !== null && value > 0)),
    );
    for (const chart of view.charts.filter((candidate) => candidate.series.length > 0)) {
      await page.waitForSelector(`#history [data-chart="${chart.id}"] canvas`, { timeout: 20_000 });
      await eventually(`chart ${chart.id} with the API's series`, () => page.locator(`#history [data-chart="${chart.id}"]`).getAttribute('data-series'), (count) => Number(count) >= chart.series.length);
    }
    expect(view.charts.find((chart) => chart.id === 'lag')!.series.map((series) => series.label)).toEqual(expect.arrayContaining(['router.main', 'municipal-register.14612000']));
    // drawn: the canvas of the produced chart holds pixels in the colours of its series' lines
    const palette = [[11, 61, 145], [207, 34, 46], [26, 127, 55], [154, 103, 0], [130, 80, 223], [9, 105, 218], [188, 76, 0], [87, 96, 106]];
    const linePixels = await page.locator('#history [data-chart="produced"] canvas').evaluate((element, colours: number[][]) => {
      const canvas = element as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 200 && colours.some(([r, g, b]) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40)) count++;
      return count;
    }, palette);
    expect(linePixels).toBeGreaterThan(50);

    await page.click('#history-windows button[data-window="1h"]');
    await eventually('the 1 h window', () => page.locator('#history [data-summary]').textContent(), (text) => /^last 1h, 8 s per point/.test(text ?? ''));
    await page.click('#history-windows button[data-window="15m"]');
    await eventually('the 15 min window', () => page.locator('#history [data-summary]').textContent(), (text) => /^last 15m, 2 s per point/.test(text ?? ''));
  });

  it("shows Prometheus' alerts over every service of the stack: the router's pending dead letters", async () => {
    const alerts = async (): Promise<AlertsView> => (await page.request.get(`${stack.dashboardUrl}/api/alerts`)).json() as Promise<AlertsView>;
    const view = await eventually('RegsyncDeadLettersPending for the router', alerts, (candidate) => candidate.alerts.some((alert) => alert.name === 'RegsyncDeadLettersPending'), 90_000);
    expect(view.configured).toBe(true);
    await page.waitForSelector('#alerts tr[data-alert="RegsyncDeadLettersPending"][data-state="pending"]', { timeout: 20_000 });
  });

  it('shows the refused event as a decoded dead letter with its reason, and re-drives it', async () => {
    const row = page.locator(`#dead-letters tr[data-dead-letter]`, { hasText: injected.envelope.correlationId }).first();
    await row.waitFor({ timeout: 60_000 });
    const reasonCode = await row.getAttribute('data-reason-code');
    expect(reasonCode).toBeTruthy();
    await row.locator('summary').click();
    const payload = JSON.parse((await row.locator('pre').textContent()) ?? '{}');
    expect(payload).toMatchObject({ idnr: injected.idnr, placeOfDeath: 'Osnabrück', envelope: { eventId: injected.envelope.eventId, source: { register: 'LANDESMELDEREGISTER' } } });

    // the same dead letter, read straight from its topic, carries the reason the page shows
    const id = (await row.getAttribute('data-dead-letter'))!;
    const dlqTopic = id.split('/')[0];
    const record = (await readTopic(dlqTopic)).find((message) => `${dlqTopic}/0/${message.offset}` === id)!;
    expect(await row.locator('[data-reason]').textContent()).toBe(headerText(record.headers?.[KAFKA_HEADERS.dlqReason]));
    expect(reasonCode).toBe(headerText(record.headers?.[KAFKA_HEADERS.dlqReasonCode]));

    await page.screenshot({ path: screenshotPath, fullPage: true });

    // a dead letter of the router goes to the router's retry topic, never onto the sender's outgoing topic
    const records = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((sum, partition) => sum + Number(partition.high), 0);
    const before = { sent: await records(injectedTopic), offered: await records(routerRedriveTopic) };
    await row.locator('button[data-redrive]').click();
    await page.waitForSelector(`#dead-letters tr[data-dead-letter="${id}"][data-redriven="true"]`, { timeout: 20_000 });
    expect({ sent: await records(injectedTopic), offered: await records(routerRedriveTopic) }).toEqual({ sent: before.sent, offered: before.offered + 1 });
    // the re-drive is on record with the person who did it
    await page.waitForSelector(`#audit tr[data-audit="${id}"][data-user-subject="lead"]`, { timeout: 20_000 });
    await expect(page.locator(`#audit tr[data-audit="${id}"]`).textContent()).resolves.toContain('Lena Lead');
    // the cause is not fixed (the sender is still not authoritative): the router reports it dead-lettered again, never processed
    await page.waitForSelector(`#dead-letters tr[data-dead-letter="${id}"] [data-redrive-outcome="dead-lettered-again"]`, { timeout: 60_000 });
    await page.waitForSelector(`#audit tr[data-audit="${id}"] [data-redrive-outcome="dead-lettered-again"]`, { timeout: 60_000 });
  });

  it('traces a citizen action of the demo through every register that sent an event, in time order', async () => {
    // Each event as sent (outgoing topics) and as delivered to each recipient (delivery topics).
    const eventTopics = (await admin.listTopics()).filter((topic) => outgoingTopicOwner(topic, namespace) || deliveryTopicReader(topic, namespace));
    const events = (await Promise.all(eventTopics.map((topic) => readTopic(topic)))).flat();
    const byCorrelation = new Map<string, KafkaMessage[]>();
    for (const message of events) {
      const correlationId = headerText(message.headers?.[KAFKA_HEADERS.correlationId]);
      if (correlationId) byCorrelation.set(correlationId, [...(byCorrelation.get(correlationId) ?? []), message]);
    }
    // the action with the most events: with the demo, one that travels through several registers
    const [correlationId, messages] = [...byCorrelation].sort((a, b) => b[1].length - a[1].length)[0];

    await page.fill('#correlation-id', correlationId);
    await page.click('#correlation-form button[type=submit]');
    await eventually('correlation steps on the page', () => page.locator('#correlation tr[data-step]').count(), (count) => count === messages.length, 30_000);

    const shownTypes = await page.locator('#correlation tr[data-step]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event-type')));
    const kafkaTypes = messages.map((message) => headerText(message.headers?.[KAFKA_HEADERS.eventType]));
    expect([...shownTypes].sort()).toEqual([...kafkaTypes].sort());
    const sources = await page.locator('#correlation tr[data-step]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-source')));
    expect(sources.every((source) => source && source !== '–')).toBe(true);
    if (existsSync(demoScript)) expect(new Set(sources).size).toBeGreaterThan(1);

    // where it went: the same search draws each event's path, one box per delivery the router wrote (read from Kafka above)
    const deliveries = messages.filter((message) => headerText(message.headers?.[KAFKA_HEADERS.recipientRegister]));
    await eventually('a path per event with a box per delivery', () => page.locator('#paths [data-path] svg [data-recipient]').count(), (count) => count === deliveries.length, 30_000);
    await expect(page.locator('#paths [data-path] svg [data-router-state]').count()).resolves.toBeGreaterThan(0);
    // every recipient of the demo runs: each delivery is applied in the end
    await eventually('every delivery applied', () => page.locator('#paths svg [data-recipient]').evaluateAll((boxes) => boxes.map((box) => box.getAttribute('data-state'))), (states) => states.length === deliveries.length && states.every((state) => state === 'applied'), 60_000);
    await expect(page.locator('#paths [data-route] >> nth=0').textContent()).resolves.toMatch(/§/);

    await page.screenshot({ path: screenshotPath, fullPage: true });
  });

  // the API with the browser's session cookie
  const driftView = async (): Promise<DriftView> => (await page.request.get(`${stack.dashboardUrl}/api/drift`)).json() as Promise<DriftView>;
  const driftRow = (dataset: string, replica: string) => page.locator(`#drift tr[data-dataset="${dataset}"][data-replica="${replica}"]`);

  it('compares every replica of the demo data with its authoritative register and finds them in sync', async () => {
    const view = await eventually('every replica in sync', driftView, (drift) => drift.reports.length > 0 && drift.reports.every((report) => report.inSync));
    expect(view.unavailable).toEqual([]);
    // the router keeps no register: not asked, not listed
    expect(view.notCompared).toEqual([]);
    // Anna lives in Dresden (Land 14), Mia was born in Osnabrück (Land 03); the parcel lies in Dresden
    const counts = Object.fromEntries(view.reports.map((report) => [`${report.dataset} ${report.replica}`, [report.expectedCount, report.replicaCount, report.driftedSubjects]]));
    expect(counts).toEqual({
      'parcel.tax-base municipal-register 03404000': [0, 0, 0],
      'parcel.tax-base municipal-register 03241001': [0, 0, 0],
      'parcel.tax-base municipal-register 14612000': [1, 1, 0],
      'parcel.tax-base municipal-register 14713000': [0, 0, 0],
      'person.names federal-register DE': [2, 2, 0],
      'person.names state-register 03': [1, 1, 0],
      'person.names state-register 14': [1, 1, 0],
      'person.names municipal-register 03404000': [1, 1, 0],
      'person.names municipal-register 03241001': [0, 0, 0],
      'person.names municipal-register 14612000': [1, 1, 0],
      'person.names municipal-register 14713000': [0, 0, 0],
      'person.residence federal-register DE': [2, 2, 0],
      'person.residence state-register 03': [1, 1, 0],
      'person.residence state-register 14': [1, 1, 0],
    });

    await page.waitForSelector(`#drift tr[data-dataset][data-in-sync="true"] >> nth=${view.reports.length - 1}`, { timeout: 20_000 });
    await expect(page.locator('#drift [data-summary]').textContent()).resolves.toMatch(new RegExp(`^${view.reports.length} comparisons, 0 drifting`));
    await expect(page.locator('#drift tr[data-in-sync="false"]').count()).resolves.toBe(0);
    await expect(page.locator('#drift').textContent()).resolves.not.toContain('no compared data sets');
  });

  it('names the subject whose replica row was changed directly in PostgreSQL', async () => {
    const state = new Client({ connectionString: databaseUrlOf(databaseUrl, instanceDatabaseName('state', '14', namespace)) });
    await state.connect();
    try {
      const { rowCount } = await state.query(`update state_residents set address = jsonb_set(address, '{houseNumber}', '"7"') where idnr = $1`, [ANNA]);
      expect(rowCount).toBe(1);
    } finally {
      await state.end();
    }

    const view = await eventually('the changed row reported', driftView, (drift) => drift.reports.some((report) => !report.inSync));
    expect(view.reports.filter((report) => !report.inSync).map((report) => [report.dataset, report.replica, report.driftedSubjects, report.different, report.missing, report.unexpected])).toEqual([
      ['person.residence', 'state-register 14', 1, [ANNA], [], []],
    ]);

    const row = driftRow('person.residence', 'state-register 14');
    await page.waitForSelector(`#drift tr[data-dataset="person.residence"][data-replica="state-register 14"][data-in-sync="false"]`, { timeout: 20_000 });
    await expect(row.textContent()).resolves.toContain(`different: ${ANNA}`);
    await expect(row.textContent()).resolves.toContain('1 drifted');
    await expect(page.locator('#drift [data-summary]').textContent()).resolves.toMatch(/ comparisons, 1 drifting/);
    // the names of the same row still match the Standesamt's
    await expect(driftRow('person.names', 'state-register 14').getAttribute('data-in-sync')).resolves.toBe('true');
  });

  it("shows a viewer the drift without any Repair button", async () => {
    const context = await browser.newContext();
    const viewerPage = await context.newPage();
    try {
      const viewer = stack.dashboardUsers.find((user) => user.username === 'viewer')!;
      await viewerPage.goto(stack.dashboardUrl);
      await viewerPage.waitForSelector('form#login', { timeout: 30_000 });
      await viewerPage.fill('#username', viewer.username);
      await viewerPage.fill('#password', viewer.password);
      await Promise.all([viewerPage.waitForURL(`${stack.dashboardUrl}/`, { timeout: 30_000 }), viewerPage.click('form#login button[type=submit]')]);
      await viewerPage.waitForSelector('#drift tr[data-dataset="person.residence"][data-replica="state-register 14"][data-in-sync="false"]', { timeout: 60_000 });
      await expect(viewerPage.locator('#drift button.repair').count()).resolves.toBe(0);
      await expect(viewerPage.locator('#repairs').textContent()).resolves.toContain('repairs need the operator role');
    } finally {
      await context.close();
    }
  });

  it("repairs that subject from the page: Dresden's Melderegister restates Anna through the router and the drift closes", async () => {
    // the lead's page shows the buttons the viewer's does not
    await driftRow('person.residence', 'state-register 14').locator('button[data-repair-all]').waitFor({ timeout: 20_000 });
    // the lead is an operator: a Repair button beside each drifting subject
    await driftRow('person.residence', 'state-register 14').locator(`button[data-repair-subject="${ANNA}"]`).click();
    const repair = page.locator('#repairs tr[data-repair][data-dataset="person.residence"][data-replica="state-register 14"]');
    await repair.waitFor({ timeout: 20_000 });
    await eventually('the repair done', () => repair.getAttribute('data-state'), (state) => state === 'done', 60_000);
    await expect(repair.getAttribute('data-done')).resolves.toBe('1');
    await expect(repair.textContent()).resolves.toContain('Lena Lead');
    // the page compares again and shows the replica in sync
    await page.waitForSelector(`#drift tr[data-dataset="person.residence"][data-replica="state-register 14"][data-in-sync="true"]`, { timeout: 60_000 });
    await expect(page.locator('#drift tr[data-in-sync="false"]').count()).resolves.toBe(0);

    const state = new Client({ connectionString: databaseUrlOf(databaseUrl, instanceDatabaseName('state', '14', namespace)) });
    await state.connect();
    try {
      const { rows } = await state.query(`select address->>'houseNumber' as "houseNumber" from state_residents where idnr = $1`, [ANNA]);
      expect(rows).toEqual([{ houseNumber: '5a' }]);
      // the Land logs the transfer as the repair it was, with the person who asked for it
      const logged = await state.query(`select requested_by from transfer_log where idnr = $1 and event_type = 'ResidenceRestated'`, [ANNA]);
      expect(logged.rows).toEqual([{ requested_by: 'Lena Lead (lead)' }]);
    } finally {
      await state.end();
    }
  });
});

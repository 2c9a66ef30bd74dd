import { ConsoleLogger, INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { consumerGroupOf, deadLetterTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { redrive } from '../src/dead-letters';
import { produceEvents } from './support/produce-events';
import { readTopic } from './support/read-topic';
import { RunningTestRegister, startTestRegister } from './support/running-test-register';
import { TestEnvironment, waitFor } from './support/test-environment';
import { TEST_SOURCE, eventOf, personDraft, subjectId } from './support/test-events';
import { TEST_APP, TEST_INSTANCE_KEY } from './support/test-register.module';

const OPS_KEY = 'ops-dashboard-test-key';

/** Keeps the warnings the register logs (a failed release after a chunk is only a warning: the sweep retries it). */
class WarningsKept extends ConsoleLogger {
  readonly warnings: string[] = [];

  override warn(message: unknown, ...rest: unknown[]): void {
    this.warnings.push(String(message));
    super.warn(message, ...rest);
  }
}

describe('hold at a gap on a delivery stream (the router stamps each delivery with the version delivered before)', () => {
  let env: TestEnvironment;
  let running: RunningTestRegister;
  let dataSource: DataSource;
  let codec: EventCodec;
  let producer: Producer;
  let app: INestApplication;
  const metrics = new RegsyncMetrics();
  const logger = new WarningsKept();

  beforeAll(async () => {
    running = await startTestRegister({ metrics, opsApiKeys: { 'ops-dashboard': OPS_KEY }, logger });
    ({ env, dataSource, codec, producer, app } = running);
  }, 120_000);

  afterAll(async () => {
    await running?.close();
  }, 60_000);

  async function appliedVersions(subject: string): Promise<number[]> {
    const rows = (await dataSource.query('select subject_version from applied_events where subject_id = $1 order by seq', [subject])) as { subject_version: string }[];
    return rows.map((row) => Number(row.subject_version));
  }

  async function heldVersions(subject: string): Promise<number[]> {
    const rows = (await dataSource.query('select subject_version from regsync_held_event where subject_id = $1 order by subject_version', [subject])) as { subject_version: string }[];
    return rows.map((row) => Number(row.subject_version));
  }

  async function inboxOutcomes(subject: string): Promise<Record<number, string>> {
    const rows = (await dataSource.query(
      `select held_or_applied.subject_version, inbox.outcome from regsync_inbox inbox
       join (select event_id, subject_version from applied_events where subject_id = $1) held_or_applied using (event_id)`,
      [subject],
    )) as { subject_version: string; outcome: string }[];
    return Object.fromEntries(rows.map((row) => [Number(row.subject_version), row.outcome]));
  }

  const deadLetterTopic = () => deadLetterTopicOf(consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace));

  it('holds the delivery after a dead-lettered one (other subjects go on), and applies both in order once the dead letter is re-driven', async () => {
    const subject = subjectId(101);
    const other = subjectId(102);
    const refused = eventOf(personDraft(subject, 0, 'REFUSED-UNTIL-REPAIRED-1'), 2);
    await produceEvents(producer, codec, env.namespace, subject, [eventOf(personDraft(subject, 1), 1), { event: refused, deliveredAfter: 1 }, { event: eventOf(personDraft(subject, 2), 3), deliveredAfter: 2 }]);
    await produceEvents(producer, codec, env.namespace, other, [eventOf(personDraft(other, 1), 1), { event: eventOf(personDraft(other, 2), 2), deliveredAfter: 1 }]);

    await waitFor('version 3 to be held', async () => (await heldVersions(subject)).length === 1);
    await waitFor('the other subject applied', async () => (await appliedVersions(other)).length === 2);
    expect(await appliedVersions(subject)).toEqual([1]);
    expect(await heldVersions(subject)).toEqual([3]);

    const [deadLetter] = (await readTopic(env.kafka, deadLetterTopic(), 1)).filter(({ message }) => headerText(message.headers?.[KAFKA_HEADERS.eventId]) === refused.envelope.eventId);
    expect(deadLetter).toBeDefined();
    await dataSource.query('insert into register_repairs (authority_key, family_name) values ($1, $2)', [TEST_INSTANCE_KEY, 'REFUSED-UNTIL-REPAIRED-1']);
    const admin = env.kafka.producer();
    await admin.connect();
    await redrive(admin, deadLetter.message);
    await admin.disconnect();

    await waitFor('the re-driven event and the held one applied', async () => (await appliedVersions(subject)).length === 3);
    expect(await appliedVersions(subject)).toEqual([1, 2, 3]);
    expect(await heldVersions(subject)).toEqual([]);
    expect(await inboxOutcomes(subject)).toEqual({ 1: 'applied', 2: 'applied', 3: 'applied' });
    // Released right after the chunk that applied version 2 (as its authority), not only by the next sweep.
    expect(logger.warnings.filter((warning) => warning.includes('release of held events failed'))).toEqual([]);
  }, 90_000);

  it("lists a held subject for the operator and applies its held events over the gap on the operator's decision", async () => {
    const subject = subjectId(201);
    await produceEvents(producer, codec, env.namespace, subject, [
      eventOf(personDraft(subject, 1), 1),
      { event: eventOf(personDraft(subject, 0, 'REFUSED-UNTIL-REPAIRED-2'), 2), deliveredAfter: 1 },
      { event: eventOf(personDraft(subject, 2), 3), deliveredAfter: 2 },
      { event: eventOf(personDraft(subject, 3), 4), deliveredAfter: 3 },
    ]);
    await waitFor('versions 3 and 4 to be held', async () => (await heldVersions(subject)).length === 2);

    await request(app.getHttpServer()).get('/ops/held-subjects').expect(401);
    const listed = await request(app.getHttpServer()).get('/ops/held-subjects').set('x-api-key', OPS_KEY).expect(200);
    const held = (listed.body as { subjects: { subjectId: string }[] }).subjects.find((candidate) => candidate.subjectId === subject);
    expect(held).toMatchObject({ authority: TEST_INSTANCE_KEY, subjectKind: 'PERSON', sourceInstanceKey: TEST_SOURCE.instanceKey, sourceRegister: 'PERSONENSTANDSREGISTER', waitingFor: 2, appliedVersion: 1, held: 2 });
    expect(Date.parse((held as unknown as { heldSince: string }).heldSince)).toBeLessThanOrEqual(Date.now());
    expect((await metrics.heldSubjects.get()).values.find((value) => value.labels.group === consumerGroupOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace))?.value).toBeGreaterThanOrEqual(1);

    const release = { authority: TEST_INSTANCE_KEY, subjectKind: 'PERSON', subjectId: subject, sourceInstanceKey: TEST_SOURCE.instanceKey, sourceRegister: 'PERSONENSTANDSREGISTER' };
    const refusedBody = await request(app.getHttpServer()).post('/ops/held-subjects/release').set('x-api-key', OPS_KEY).send({ ...release, subjectId: 7 }).expect(400);
    expect(JSON.stringify(refusedBody.body)).toContain('subjectId');
    const released = await request(app.getHttpServer()).post('/ops/held-subjects/release').set('x-api-key', OPS_KEY).send(release).expect(200);
    expect(released.body).toEqual({
      decidedBy: 'ops-dashboard',
      released: [
        { eventId: expect.any(String), subjectVersion: 3, outcome: 'gap_applied' },
        { eventId: expect.any(String), subjectVersion: 4, outcome: 'applied' },
      ],
    });

    expect(await appliedVersions(subject)).toEqual([1, 3, 4]);
    expect(await heldVersions(subject)).toEqual([]);
    expect(await inboxOutcomes(subject)).toEqual({ 1: 'applied', 3: 'gap_applied', 4: 'applied' });
    await request(app.getHttpServer()).post('/ops/held-subjects/release').set('x-api-key', OPS_KEY).send(release).expect(404);
  }, 90_000);

  it('releases a held event whose predecessor another replica applied, by its sweep, with no later event of the subject', async () => {
    const subject = subjectId(401);
    await produceEvents(producer, codec, env.namespace, subject, [{ event: eventOf(personDraft(subject, 2), 3), deliveredAfter: 2 }]);
    await waitFor('version 3 held', async () => (await heldVersions(subject)).length === 1);
    // as if another replica applied version 2 and died before releasing its successor
    await dataSource.query(
      `insert into regsync_applied_version (authority_key, subject_kind, subject_id, source_instance_key, source_register, version) values ($1, 'PERSON', $2, $3, 'PERSONENSTANDSREGISTER', 2)`,
      [TEST_INSTANCE_KEY, subject, TEST_SOURCE.instanceKey],
    );
    await waitFor('the sweep to apply version 3', async () => (await appliedVersions(subject)).length === 1, 40_000);
    expect(await appliedVersions(subject)).toEqual([3]);
    expect(await heldVersions(subject)).toEqual([]);
  }, 60_000);

  it('applies deliveries without the stamp as before (records from before it)', async () => {
    const subject = subjectId(301);
    await produceEvents(producer, codec, env.namespace, subject, [eventOf(personDraft(subject, 1), 1), eventOf(personDraft(subject, 2), 5)]);
    await waitFor('both applied', async () => (await appliedVersions(subject)).length === 2);
    expect(await appliedVersions(subject)).toEqual([1, 5]);
    expect(await heldVersions(subject)).toEqual([]);
  }, 60_000);
});

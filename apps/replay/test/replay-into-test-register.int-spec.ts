import { deliveryTopicOf, outgoingTopicOf } from '@regsync/contracts/topics';
import { resolveLogRange, ReplayAbortedError, ReplayApplier, runReplay, ReplayTarget, bootReplayTarget } from '@regsync/event-replay/replay';
import { TEST_APP, TEST_INSTANCE_KEY, TestRegisterModule, testDatabaseName } from '@regsync/messaging-testing/test-register.module';
import { eventOf, personDraft, residenceDraft, subjectId } from '@regsync/messaging-testing/test-events';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

describe('replay into a register through the live apply path', () => {
  let env: ReplayTestEnvironment;
  let target: ReplayTarget;
  let topic: string;

  beforeAll(async () => {
    env = await startReplayTestEnvironment();
    target = await bootReplayTarget(TestRegisterModule.forRoot(env));
    env.dropAtEnd(testDatabaseName(env.namespace));
    topic = deliveryTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace);
    const events = [];
    for (let s = 0; s < 20; s++) for (let v = 1; v <= 5; v++) events.push(eventOf(personDraft(subjectId(s), v), v));
    await env.produce(topic, events);
  });

  afterAll(async () => {
    await target?.close();
    await env?.close();
  });

  const replay = async (dryRun = false, chunkSize?: number) => {
    const admin = target.kafka.admin();
    await admin.connect();
    const ranges = await resolveLogRange(admin, { topics: [topic] });
    await admin.disconnect();
    const applier = new ReplayApplier({ ...target, admit: target.messaging.admit, level: target.messaging.level, instanceKey: target.messaging.instanceKey, dryRun, maxAttempts: 2 });
    return runReplay(target.kafka, ranges, applier, { groupPrefix: `${env.namespace}.regsync-replay`, chunkSize });
  };
  const appliedRows = async () => Number((await target.dataSource.query('select count(*) as n from applied_events'))[0].n);

  it('reports in a dry run what it would apply and changes nothing', async () => {
    const summary = await replay(true);
    expect(summary.outcomes.applied).toBe(100);
    expect(summary.done).toBe(summary.total);
    expect(await appliedRows()).toBe(0);
  });

  it('applies every event once, and a second run of the same range changes nothing', async () => {
    const first = await replay();
    expect(first.outcomes.applied).toBe(100);
    expect(await appliedRows()).toBe(100);
    const second = await replay();
    expect(second.outcomes).toMatchObject({ applied: 0, duplicate: 100 });
    expect(await appliedRows()).toBe(100);
  });

  /** Per subject: registration, registration, move-out (a handler of its own), registration, one subject after the other. */
  const subjectsOneAfterTheOther = (first: number, count: number, poisoned?: number) =>
    Array.from({ length: count }, (_, n) => subjectId(first + n)).flatMap((subject) =>
      [residenceDraft(subject), residenceDraft(subject, subject === (poisoned === undefined ? undefined : subjectId(poisoned)) ? 'REJECTED' : undefined), personDraft(subject, 1), residenceDraft(subject)].map((draft, n) => eventOf(draft, n + 1)),
    );
  const appliedVersions = async (subject: string) =>
    ((await target.dataSource.query('select subject_version::int as version from applied_events where subject_id = $1 order by seq', [subject])) as { version: number }[]).map((row) => row.version);

  it('hands the registrations of many subjects to one batch call though a move-out follows each, keeping every subject’s order', async () => {
    const subjects = 30;
    await env.produce(topic, subjectsOneAfterTheOther(200, subjects));
    const [{ seq }] = (await target.dataSource.query('select coalesce(max(seq), 0)::int as seq from applied_batches')) as { seq: number }[];

    const summary = await replay(false, 5000);

    expect(summary.outcomes).toMatchObject({ applied: subjects * 4, rejected: 0 });
    for (let n = 0; n < subjects; n++) expect(await appliedVersions(subjectId(200 + n))).toEqual([1, 2, 3, 4]);
    // Split at every change of handler, the log order would cost a call per subject; in each partition's chunk the
    // first two registrations of every subject share one call, the last ones another.
    const [{ calls }] = (await target.dataSource.query('select count(*)::int as calls from applied_batches where seq > $1', [seq])) as { calls: number }[];
    expect(calls).toBeLessThan(subjects);
  });

  it('reports a rejected event in the middle of a large chunk and applies the rest of the chunk', async () => {
    const events = subjectsOneAfterTheOther(300, 30, 315);
    await env.produce(topic, events);

    const summary = await replay(false, 5000);

    expect(summary.outcomes).toMatchObject({ applied: 30 * 4 - 1, rejected: 1 });
    expect(summary.rejections).toEqual([expect.objectContaining({ eventType: 'ResidenceRegistered', code: 'invalid', ref: expect.stringMatching(new RegExp(`^${topic}:\\d+:\\d+$`)) })]);
    for (let n = 0; n < 30; n++) expect(await appliedVersions(subjectId(300 + n))).toEqual(n === 15 ? [1, 3, 4] : [1, 2, 3, 4]);
  });

  it('stops at an event that keeps failing, naming its offset, and keeps the chunks committed before it', async () => {
    const subject = subjectId(99);
    const events = Array.from({ length: 10 }, (_, n) => eventOf(personDraft(subject, n + 1), n + 1));
    await env.produce(topic, [...events, eventOf(personDraft(subject, 12, 'FLAKY'), 11)]);

    await expect(replay(false, 5)).rejects.toThrow(ReplayAbortedError);
    await expect(replay(false, 5)).rejects.toThrow(/failed 2 times, last: test: a fault that never goes away/);
    expect(Number((await target.dataSource.query('select count(*) as n from applied_events where subject_id = $1', [subject]))[0].n)).toBe(10);
  });

  it("restores the instance's subject version counters from its own outgoing topic, and applies none of those events", async () => {
    const outgoing = outgoingTopicOf(TEST_APP, TEST_INSTANCE_KEY, env.namespace);
    const subject = subjectId(98);
    await env.produce(outgoing, [1, 2, 3].map((version) => eventOf(personDraft(subject, version), version)));
    const admin = target.kafka.admin();
    await admin.connect();
    const ranges = await resolveLogRange(admin, { topics: [outgoing] });
    await admin.disconnect();
    const applier = new ReplayApplier({ ...target, admit: target.messaging.admit, level: target.messaging.level, instanceKey: target.messaging.instanceKey, outgoingTopic: outgoing, maxAttempts: 2 });

    const summary = await runReplay(target.kafka, ranges, applier, { groupPrefix: `${env.namespace}.regsync-replay` });

    expect(summary.outcomes).toMatchObject({ applied: 0, filtered: 3 });
    expect(Number((await target.dataSource.query('select count(*) as n from applied_events where subject_id = $1', [subject]))[0].n)).toBe(0);
    const counters = (await target.dataSource.query('select version::int as version from regsync_subject_version where subject_id = $1', [subject])) as { version: number }[];
    expect(counters).toEqual([{ version: 3 }]);
  });
});

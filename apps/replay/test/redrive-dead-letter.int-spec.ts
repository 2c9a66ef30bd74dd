import { INestApplication } from '@nestjs/common';
import { Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { KafkaMessage } from 'kafkajs';
import { consumerGroupOf, deliveryTopicOf, redriveTopicOf, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { DeadLetterStore } from '@regsync/event-replay/dead-letter-store';
import { readBoundedLog, resolveLogRange } from '@regsync/event-replay/replay';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { loadReplayConfig } from '../src/replay-config';
import { replayProgram } from '../src/replay-program';
import { TargetInstance, targetInstance } from '../src/target-apps';
import { DRESDEN, FlowEvents } from './support/register-flow-events';
import { startStateRegister, stateEnv, waitForNoLag } from './support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from './support/replay-test-environment';

describe('re-driving dead letters', () => {
  let env: ReplayTestEnvironment;
  let live: INestApplication;
  let instance: TargetInstance;
  let db: Client;
  let producer: Producer;
  let store: DeadLetterStore;

  beforeAll(async () => {
    env = await startReplayTestEnvironment('redrive');
    instance = targetInstance(loadReplayConfig(stateEnv(env, '14')), 'state-register', '14');
    env.dropAtEnd(instance.databaseName);
    live = await startStateRegister(env, '14');
    db = new Client({ connectionString: instance.databaseUrl });
    await db.connect();
    producer = env.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    store = new DeadLetterStore(env.kafka, env.codec, `${env.namespace}.regsync-replay`);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await db?.end();
    await live?.close();
    await env?.close();
  });

  /** Every record of `topic` as a reader of its own (a group other than the register's) sees it, from the beginning. */
  async function readAll(topic: string): Promise<KafkaMessage[]> {
    const admin = env.kafka.admin();
    await admin.connect();
    const ranges = await resolveLogRange(admin, { topics: [topic] }).finally(() => admin.disconnect());
    const messages: KafkaMessage[] = [];
    await readBoundedLog(env.kafka, ranges, { groupPrefix: `${env.namespace}.regsync.other-reader`, onChunk: async (chunk) => void messages.push(...chunk.messages) });
    return messages;
  }
  const withEventId = (messages: KafkaMessage[], eventId: string) => messages.filter((message) => headerText(message.headers?.[KAFKA_HEADERS.eventId]) === eventId);

  /**
   * A registration in Dresden that the live register dead-letters: a database rule refuses every insert of the
   * citizen's row (with `fault` as the message) until `fixed` drops it.
   */
  async function deadLetteredRegistration(rule: string, fault: string) {
    const idnr = generateIdnr();
    await db.query(`create or replace function ${rule}() returns trigger language plpgsql as $$ begin
      if new.idnr = '${idnr}' then raise exception 'test fault: ${fault}'; end if; return new; end $$`);
    await db.query(`create trigger ${rule} before insert on state_residents for each row execute function ${rule}()`);
    const flows = new FlowEvents();
    flows.moveToDresden(idnr);
    const [registered] = flows.events;
    const topic = deliveryTopicOf('state-register', '14', env.namespace);
    await env.produce(topic, [registered], 'LANDESMELDEREGISTER');
    await waitForNoLag(env.kafka, instance.consumerGroup, [topic]);
    // The relay publishes the dead letter a moment after the consumer's commit (it is an outbox row of that transaction).
    const letter = await waitUntil('the dead letter', async () => (await store.list(instance.consumerGroup)).find((candidate) => candidate.eventId === registered.envelope.eventId));
    const fixed = async () => void (await db.query(`drop trigger ${rule} on state_residents`));
    return { idnr, flows, registered, topic, letter, fixed };
  }

  /** The replay tool in this process, with the environment the live register has: what it printed, its audit line, its exit status. */
  async function replayCli(...args: string[]): Promise<{ printed: string; audit: unknown; exitCode: number | undefined }> {
    const printed: string[] = [];
    const logged: string[] = [];
    const saved = { env: process.env, exitCode: process.exitCode };
    process.env = { ...saved.env, ...stateEnv(env, '14') };
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    const error = jest.spyOn(console, 'error').mockImplementation((line: string) => void logged.push(line));
    try {
      await replayProgram().exitOverride().parseAsync(['node', 'regsync-replay', ...args]);
      return { printed: printed.join('\n'), audit: JSON.parse(logged.find((line) => line.includes('"audit"')) ?? 'null'), exitCode: process.exitCode as number | undefined };
    } finally {
      log.mockRestore();
      error.mockRestore();
      process.env = saved.env;
      process.exitCode = saved.exitCode;
    }
  }

  it("applies a dead letter once its cause is fixed, re-driven onto the group's retry topic only, and reports a second re-drive as duplicate", async () => {
    const before = await store.list(instance.consumerGroup);
    const { idnr, registered, topic, letter, fixed } = await deadLetteredRegistration('refuse_citizen', 'row refused');
    expect(letter).toMatchObject({ eventType: 'ResidenceRegistered', eventId: registered.envelope.eventId, subjectId: idnr, info: { reasonCode: 'retries-exhausted', sourceTopic: topic } });
    expect(letter.info.reason).toMatch(/row refused/);
    expect(await store.show(letter.ref)).toMatchObject({ ref: letter.ref, eventId: registered.envelope.eventId });

    await fixed();
    const retryTopic = redriveTopicOf(instance.consumerGroup);
    const [report] = await store.redrive(producer, [letter], 60_000);
    expect(report.redriven.topic).toBe(retryTopic);
    expect(report.outcome).toMatchObject({ kind: 'applied', eventId: registered.envelope.eventId, subjectVersion: 1, previousVersion: null });
    const rows = async () => (await db.query('select status from state_residents where idnr = $1', [idnr])).rows;
    const inboxRows = async () => Number((await db.query('select count(*) as n from regsync_inbox where event_id = $1', [registered.envelope.eventId])).rows[0].n);
    expect(await rows()).toEqual([{ status: 'RESIDENT' }]);
    expect(await inboxRows()).toBe(1);

    // Another group reading the delivery topic never sees the re-drive: it is on the register group's retry topic only.
    expect(withEventId(await readAll(topic), registered.envelope.eventId)).toHaveLength(1);
    const [offered] = withEventId(await readAll(retryTopic), registered.envelope.eventId);
    expect(headerText(offered.headers?.[KAFKA_HEADERS.sentOnTopic])).toBe(topic);

    const [second] = await store.redrive(producer, [letter], 60_000);
    expect(second.outcome).toMatchObject({ kind: 'duplicate', eventId: registered.envelope.eventId });
    expect(await rows()).toEqual([{ status: 'RESIDENT' }]);
    expect(await inboxRows()).toBe(1);
    expect(await store.list(instance.consumerGroup)).toHaveLength(before.length + 1);
  }, 180_000);

  it('reports a dead letter whose subject moved past it meanwhile as dropped as stale, and leaves the newer state', async () => {
    const { idnr, flows, registered, topic, letter, fixed } = await deadLetteredRegistration('refuse_first', 'row refused');
    await fixed();
    // Meanwhile Dresden registers a later move of the same person (version 2 of its Melderegister), which applies.
    const { envelope: _envelope, ...registration } = registered as unknown as Record<string, unknown>;
    const newer = flows.emit('ResidenceRegistered', '14612000', 'MELDEREGISTER', idnr, {
      ...registration,
      address: { ...DRESDEN, street: 'Bautzner Straße', houseNumber: '7' },
      movedInOn: new Date('2026-11-20T00:00:00.000Z'),
      previousAddress: DRESDEN,
    } as never);
    expect(newer.envelope.subjectVersion).toBe(2);
    await env.produce(topic, [newer], 'LANDESMELDEREGISTER');
    await waitForNoLag(env.kafka, instance.consumerGroup, [topic]);
    const street = async () => (await db.query(`select address->>'street' as street from state_residents where idnr = $1`, [idnr])).rows;
    expect(await street()).toEqual([{ street: 'Bautzner Straße' }]);

    // as an operator does it: with the replay tool
    const { printed, audit, exitCode } = await replayCli('dead-letters', 'redrive', letter.ref, '--execute', '--wait', '60');

    expect(printed).toMatch(new RegExp(`^${letter.ref} → ${redriveTopicOf(instance.consumerGroup)}:\\d+:\\d+: DROPPED AS STALE: its subject had moved past it \\(version 1, applied before: 2\\), not applied$`));
    expect(exitCode).toBe(1);
    expect(audit).toMatchObject({ audit: 'dead-letter-redriven', tool: 'replay', operator: expect.any(String), deadLetter: letter.ref, outcome: { kind: 'dropped-as-stale', eventId: registered.envelope.eventId, subjectVersion: 1, previousVersion: 2 } });
    expect(await street()).toEqual([{ street: 'Bautzner Straße' }]);
  }, 180_000);

  it('reports a re-driven event that fails again with its new reason', async () => {
    const { idnr, letter, fixed } = await deadLetteredRegistration('refuse_again', 'still broken');

    const [report] = await store.redrive(producer, [letter], 60_000);

    expect(report.outcome).toMatchObject({ kind: 'dead-lettered-again', reasonCode: 'retries-exhausted' });
    expect(report.outcome.kind === 'dead-lettered-again' && report.outcome.reason).toMatch(/still broken/);
    // the new dead letter names the retry topic as where it failed, and can be re-driven in its turn
    const again = await waitUntil('the new dead letter', async () => (await store.list(instance.consumerGroup)).find((candidate) => candidate.subjectId === idnr && candidate.ref !== letter.ref));
    expect(again.info).toMatchObject({ sourceTopic: redriveTopicOf(consumerGroupOf('state-register', '14', env.namespace)), consumerGroup: instance.consumerGroup });
    await fixed();
    const [retried] = await store.redrive(producer, [again], 60_000);
    expect(retried.outcome).toMatchObject({ kind: 'applied' });
  }, 180_000);
});

import { INestApplication } from '@nestjs/common';
import { Partitioners, Producer } from 'kafkajs';
import { Client } from 'pg';
import { deliveryTopicOf } from '@regsync/contracts/topic-catalog';
import { DeadLetterStore } from '@regsync/messaging/replay/dead-letter-store';
import { generateIdnr } from '@regsync/register-domain/idnr-generator';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { loadReplayConfig } from '../src/replay-config';
import { TargetInstance, targetInstance } from '../src/target-apps';
import { FlowEvents } from './support/register-flow-events';
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

  it('applies a dead letter exactly once after its cause is fixed, and a second re-drive changes nothing', async () => {
    const idnr = generateIdnr();
    // the fault: a broken database rule that rejects this citizen's row, so every attempt fails
    await db.query(`create function refuse_citizen() returns trigger language plpgsql as $$ begin
      if new.idnr = '${idnr}' then raise exception 'test fault: row refused'; end if; return new; end $$`);
    await db.query('create trigger refuse_citizen before insert on state_residents for each row execute function refuse_citizen()');
    const flows = new FlowEvents();
    flows.moveToDresden(idnr);
    const [registered] = flows.events;
    const topic = deliveryTopicOf('state-register', '14', env.namespace);
    await env.produce(topic, [registered], 'LANDESMELDEREGISTER');
    await waitForNoLag(env.kafka, instance.consumerGroup, [topic]);

    // The relay publishes the dead letter a moment after the consumer's commit (it is an outbox row of that transaction).
    const [letter, ...others] = await waitUntil('the dead letter', async () => {
      const letters = await store.list(instance.consumerGroup);
      return letters.length > 0 ? letters : undefined;
    });
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ eventType: 'ResidenceRegistered', eventId: registered.envelope.eventId, subjectId: idnr, info: { reasonCode: 'retries-exhausted', sourceTopic: topic } });
    expect(letter.info.reason).toMatch(/row refused/);
    expect(await store.show(letter.ref)).toMatchObject({ ref: letter.ref, eventId: registered.envelope.eventId });

    await db.query('drop trigger refuse_citizen on state_residents');
    const [report] = await store.redrive(producer, [letter], 30_000);
    expect(report.outcome.kind).toBe('processed');
    const rows = async () => (await db.query('select status from state_residents where idnr = $1', [idnr])).rows;
    const inboxRows = async () => Number((await db.query('select count(*) as n from regsync_inbox where event_id = $1', [registered.envelope.eventId])).rows[0].n);
    expect(await rows()).toEqual([{ status: 'RESIDENT' }]);
    expect(await inboxRows()).toBe(1);

    const [second] = await store.redrive(producer, [letter], 30_000);
    expect(second.outcome.kind).toBe('processed');
    expect(await rows()).toEqual([{ status: 'RESIDENT' }]);
    expect(await inboxRows()).toBe(1);
    expect(await store.list(instance.consumerGroup)).toHaveLength(1);
  }, 120_000);

  it('reports a re-driven event that fails again with its new reason', async () => {
    const idnr = generateIdnr();
    await db.query(`create or replace function refuse_again() returns trigger language plpgsql as $$ begin
      if new.idnr = '${idnr}' then raise exception 'test fault: still broken'; end if; return new; end $$`);
    await db.query('create trigger refuse_again before insert on state_residents for each row execute function refuse_again()');
    const flows = new FlowEvents();
    flows.moveToDresden(idnr);
    const topic = deliveryTopicOf('state-register', '14', env.namespace);
    await env.produce(topic, [flows.events[0]], 'LANDESMELDEREGISTER');
    await waitForNoLag(env.kafka, instance.consumerGroup, [topic]);
    const letter = (await store.list(instance.consumerGroup)).find((candidate) => candidate.subjectId === idnr)!;

    const [report] = await store.redrive(producer, [letter], 30_000);

    expect(report.outcome).toMatchObject({ kind: 'dead-lettered-again', reasonCode: 'retries-exhausted' });
    expect(report.outcome.kind === 'dead-lettered-again' && report.outcome.reason).toMatch(/still broken/);
    await db.query('drop trigger refuse_again on state_residents');
  }, 120_000);
});

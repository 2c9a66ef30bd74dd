import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { deliveryTopicOf, outgoingTopicOf, stateRecordKeyOf, stateTopicOf } from '@regsync/contracts/topics';
import { RetentionJob } from '@regsync/data-protection/retention-and-erasure';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { bootstrapInstance } from '@regsync/apps/replay/src/bootstrap/bootstrap.command';
import { loadReplayConfig } from '@regsync/apps/replay/src/replay-config';
import { targetInstance } from '@regsync/apps/replay/src/target-apps';
import { FlowEvents, OSNABRUECK } from '@regsync/apps/replay/test/support/register-flow-events';
import { stateEnv } from '@regsync/apps/replay/test/support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { startInProcessRouter, routerCaughtUp } from './support/in-process-router';
import { keysOpening } from './support/keys-opening';
import { recordsOf } from './support/topic-records';
import { SealedSender } from './support/sealed-sender';

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

jest.setTimeout(300_000);

const ROUTED = 'MUNICIPAL:03404000,MUNICIPAL:14612000,STATE:03,STATE:14,FEDERAL:DE';

/**
 * The router seals each recipient's deliveries about a person with a delivery key of its own; when a recipient's
 * retention of the person ends, the router's retention job shreds that key. Here: a person who moved from Osnabrück to
 * Dresden on 2026-11-01 (the Land mirror and Osnabrück's Melderegister keep them 55 years after the end of that year,
 * § 13 Abs. 2 BMG), one who stays, and one who moved to Dresden too and came back to Osnabrück from abroad in 2030
 * (only Osnabrück's own registration says so); the BZSt keeps all (no death), Dresden keeps the movers (residents).
 */
describe("retention shreds a recipient's delivery key: only that register's copy in the log stops opening", () => {
  let env: ReplayTestEnvironment;
  let router: INestApplication;
  let producer: Producer;
  let sender: SealedSender;
  const flows = new FlowEvents();
  const [mover, stayer, returner] = [generateIdnr(), generateIdnr(), generateIdnr()];

  type App = 'municipal-register' | 'state-register' | 'federal-register';
  /** Per delivery of `person` to the recipient, the id of the key it opens with on the recipient's key topic now, or 'erased'. */
  const openDeliveries = (app: App, instanceKey: string, person: string) => keysOpening(env, deliveryTopicOf(app, instanceKey, env.namespace), person);

  /** The one key all of the recipient's deliveries of `person` opened with. */
  async function deliveryKeyOf(app: App, instanceKey: string, person: string): Promise<string> {
    const keyIds = new Set(await openDeliveries(app, instanceKey, person));
    expect(keyIds.size).toBe(1);
    expect(keyIds.has('erased')).toBe(false);
    return [...keyIds][0];
  }

  beforeAll(async () => {
    env = await startReplayTestEnvironment('shredkeys');
    env.dropAtEnd(instanceDatabaseName('state', '03', env.namespace));
    env.dropAtEnd(instanceDatabaseName('federal', 'DE', env.namespace));
    router = await startInProcessRouter(env, ROUTED);
    producer = env.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    sender = new SealedSender(env, producer);
    flows.registerInOsnabrueck(mover);
    flows.registerInOsnabrueck(stayer, 'Weber');
    flows.registerInOsnabrueck(returner, 'Braun');
    flows.moveToDresden(mover);
    flows.moveToDresden(returner, 'Braun');
    flows.emit('ResidenceRegistered', '03404000', 'MELDEREGISTER', returner, {
      idnr: returner, familyName: 'Braun', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: day('1990-03-14'), address: OSNABRUECK, movedInOn: day('2030-02-01'), previousAddress: null, dwellingStatus: 'HAUPTWOHNUNG',
    });
    await sender.send(flows.events);
    await routerCaughtUp(env, router, ['03404000', '14612000'].map((key) => outgoingTopicOf('municipal-register', key, env.namespace)));
  });

  afterAll(async () => {
    await producer?.disconnect();
    await router?.close();
    await env?.close();
  });

  it('seals each recipient’s deliveries about a person with a key of its own, never the sender’s', async () => {
    const keys = [await deliveryKeyOf('state-register', '03', mover), await deliveryKeyOf('state-register', '14', mover), await deliveryKeyOf('federal-register', 'DE', mover)];
    expect(new Set(keys).size).toBe(3);
    const sendersKeys = [...sender.keys.values()].map(({ id }) => id);
    expect(keys.filter((id) => sendersKeys.includes(id))).toEqual([]);
  });

  it("shreds Niedersachsen's and Osnabrück's keys of the mover when their 55 years end, and nothing else: the BZSt's, Sachsen's and Dresden's copies still open, Osnabrück's of the returner too; a bootstrap of the Land no longer meets the mover", async () => {
    const job = router.get(RetentionJob);
    const shredded = async (now: string) =>
      Object.fromEntries((await job.run(new Date(now))).filter(({ table }) => table === 'delivery_keys').map(({ recordKind, deleted }) => [recordKind.slice(recordKind.lastIndexOf(' ') + 1), deleted]));
    // Moved away 2026-11-01: kept through 31 December 2081.
    expect(await shredded('2081-12-31T23:59:59.999Z')).toEqual({ MELDEREGISTER: 0, LANDESMELDEREGISTER: 0, IDNR_BASISDATEN: 0 });
    expect(await shredded('2082-01-01T00:00:00.000Z')).toEqual({ MELDEREGISTER: 1, LANDESMELDEREGISTER: 1, IDNR_BASISDATEN: 0 });
    await waitUntil('the tombstones are published', async () => {
      const [{ pending }] = (await router.get(DataSource).query('select count(*)::int as pending from regsync_outbox where published_at is null')) as { pending: number }[];
      return pending === 0 || undefined;
    });
    expect(new Set(await openDeliveries('state-register', '03', mover))).toEqual(new Set(['erased']));
    expect(new Set(await openDeliveries('municipal-register', '03404000', mover))).toEqual(new Set(['erased']));
    await deliveryKeyOf('state-register', '03', stayer);
    await deliveryKeyOf('municipal-register', '03404000', returner);
    await deliveryKeyOf('municipal-register', '14612000', mover);
    await deliveryKeyOf('federal-register', 'DE', mover);
    await deliveryKeyOf('state-register', '14', mover);

    // A new database of the Land from its state topic: the mover's record there is a tombstone now, the others are applied.
    const result = await bootstrapInstance(targetInstance(loadReplayConfig(stateEnv(env, '03')), 'state-register', '03'));
    expect(result.outcomes).toMatchObject({ erased: 0, applied: 5, rejected: 0 });
  });

  it("forgets that Niedersachsen and Osnabrück hold the mover and tombstones the mover's records on their state topics, and nothing else", async () => {
    const holders = async (person: string) =>
      ((await router.get(DataSource).query(`select level || ' ' || instance_key || ' ' || register as holder from subject_holdings where subject_id = $1 order by 1`, [person])) as { holder: string }[]).map(
        ({ holder }) => holder,
      );
    expect(await holders(mover)).toEqual(['MUNICIPAL 14612000 MELDEREGISTER', 'STATE 14 LANDESMELDEREGISTER']);
    expect(await holders(stayer)).toEqual(expect.arrayContaining(['STATE 03 LANDESMELDEREGISTER']));
    expect(await holders(returner)).toEqual(expect.arrayContaining(['MUNICIPAL 03404000 MELDEREGISTER', 'STATE 03 LANDESMELDEREGISTER']));
    // The last record of each person on the state topics (each instance is its own provider here).
    const lastOn = async (app: 'municipal-register' | 'state-register', instanceKey: string) => new Map((await recordsOf(env, stateTopicOf(app, instanceKey, env.namespace))).map((record) => [record.key, record.value]));
    const land = await lastOn('state-register', '03');
    expect(land.get(stateRecordKeyOf('03', '03', mover))).toBeNull();
    expect(land.get(stateRecordKeyOf('03', '03', stayer))).toEqual(expect.any(Buffer));
    const osnabrueck = await lastOn('municipal-register', '03404000');
    expect(osnabrueck.get(stateRecordKeyOf('03404000', '03404000', mover))).toBeNull();
    expect(osnabrueck.get(stateRecordKeyOf('03404000', '03404000', returner))).toEqual(expect.any(Buffer));
  });
});

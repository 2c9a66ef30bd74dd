import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { decodeStateRecord } from '@regsync/contracts/event-encoding';
import type { EventSource } from '@regsync/contracts/generated/events';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { deliveryTopicOf, outgoingTopicOf, stateRecordKeyOf, stateTopicOf } from '@regsync/contracts/topics';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { startInProcessRouter, routerCaughtUp } from './support/in-process-router';
import { keysOpeningValues } from './support/keys-opening';
import { SealedSender } from './support/sealed-sender';
import { recordsOf } from './support/topic-records';

jest.setTimeout(300_000);

const CADASTRE: EventSource = { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' };
const PARCEL = '14612300100012______';
const [DRESDEN, LEIPZIG] = ['14612000', '14713000'];

/**
 * The cadastre re-keys a parcel at the erasure of an owner and restates it under the new key; the router then withdraws
 * every recipient's delivery key of the parcel, so every state record holding its earlier deliveries opens no more.
 * Here two rolls hold a record of the parcel: Leipzig's, where the cadastre reports the parcel now and sends the
 * restatement, and Dresden's, where it was reported before (its ParcelLeftMunicipality did not come) and which the
 * restatement does not reach.
 */
describe("a sender's re-key of a subject ends the recipients' state records it leaves unreadable", () => {
  let env: ReplayTestEnvironment;
  let router: INestApplication;
  let producer: Producer;
  let sender: SealedSender;

  const fromCadastre = (subjectVersion: number) => ({ source: CADASTRE, subjectVersion, legalBasis: '§ 229 Abs. 3 BewG' });
  const cadastreTopic = () => outgoingTopicOf('state-register', '14', env.namespace);
  /** Every record of the parcel on the roll's state topic, in order (null: a tombstone). */
  const stateRecordsAt = async (roll: string) => (await recordsOf(env, stateTopicOf('municipal-register', roll, env.namespace))).filter((record) => record.key === stateRecordKeyOf(roll, roll, PARCEL)).map((record) => record.value);

  beforeAll(async () => {
    env = await startReplayTestEnvironment('rekeystate');
    router = await startInProcessRouter(env, `MUNICIPAL:${DRESDEN},MUNICIPAL:${LEIPZIG},STATE:14,FEDERAL:DE`);
    producer = env.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    sender = new SealedSender(env, producer);
    await sender.send([sampleEvent('ParcelRecorded', fromCadastre(1), { parcelId: PARCEL, municipalityKey: DRESDEN }), sampleEvent('ParcelChanged', fromCadastre(2), { parcelId: PARCEL, municipalityKey: LEIPZIG })]);
    await routerCaughtUp(env, router, [cadastreTopic()]);
    sender.rekey(CADASTRE, PARCEL);
    await sender.send([sampleEvent('ParcelRestated', fromCadastre(3), { parcelId: PARCEL, municipalityKey: LEIPZIG })]);
    await routerCaughtUp(env, router, [cadastreTopic()]);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await router?.close();
    await env?.close();
  });

  it("tombstones the record of a roll the restatement does not reach, and forgets its deliveries: Dresden's", async () => {
    const records = await stateRecordsAt(DRESDEN);
    expect(records.length).toBeGreaterThan(1);
    expect(records.at(-1)).toBeNull();
    const [{ stored }] = (await router.get(DataSource).query('select count(*)::int as stored from recipient_state_deliveries where recipient_instance_key = $1 and subject_id = $2', [DRESDEN, PARCEL])) as { stored: number }[];
    expect(stored).toBe(0);
  });

  it("writes nothing extra for the roll the restatement reaches in the same transaction: Leipzig's record is replaced by one whose earlier delivery opens no more and whose restatement opens", async () => {
    const records = await stateRecordsAt(LEIPZIG);
    expect(records.filter((value) => value === null)).toEqual([]);
    const deliveries = decodeStateRecord(records.at(-1)!).deliveries;
    const opening = await keysOpeningValues(env, deliveryTopicOf('municipal-register', LEIPZIG, env.namespace), deliveries.map((delivery) => delivery.value));
    expect(opening).toEqual(['erased', expect.not.stringMatching('erased')]);
  });
});

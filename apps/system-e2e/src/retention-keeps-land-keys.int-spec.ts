import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { outgoingTopicOf } from '@regsync/contracts/topics';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';
import { FlowEvents } from '@regsync/apps/replay/test/support/register-flow-events';
import { serviceEnv } from '@regsync/apps/replay/test/support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { startInProcessRouter, routerCaughtUp } from './support/in-process-router';
import { keysOpening } from './support/keys-opening';
import { retentionPassAt, outboxPublished } from './support/retention-pass';
import { SealedSender } from './support/sealed-sender';

jest.setTimeout(300_000);

const PROVIDER = 'land1';
const [NIEDERSACHSEN, SACHSEN] = ['03', '14'];
const [OSNABRUECK_PARCEL, DRESDEN_PARCEL] = ['03123400100012______', '14612300100012______'];

/**
 * A state process hosting two Länder runs subject-key retention too. A Land sends no event keyed by a person (its
 * cadastre's events are keyed by parcel), so the end of its mirror's record of a person shreds no key, and a parcel's
 * key stays while the parcel is current: a parcel has no end. Here: a person who left Niedersachsen for Dresden on
 * 2026-11-01 (Niedersachsen's mirror keeps them 55 years after the end of that year), one who stays, a parcel in each Land.
 */
describe("retention at a Land: the mirror's record ends, the cadastre's parcel keys stay", () => {
  let env: ReplayTestEnvironment;
  let router: INestApplication;
  let land: INestApplication;
  let producer: Producer;
  let outgoing: string;
  const flows = new FlowEvents();
  const [mover, stayer] = [generateIdnr(), generateIdnr()];
  const agencyKeys = { [NIEDERSACHSEN]: `lgln-${randomUUID()}`, [SACHSEN]: `geosn-${randomUUID()}` };

  const query = async <Row>(sql: string, parameters: unknown[] = []) => (await land.get(DataSource).query(sql, parameters)) as Row[];
  const opens = async (parcel: string) => expect((await keysOpening(env, outgoing, parcel)).includes('erased')).toBe(false);

  const published = () => outboxPublished(land, 'the Land');
  /** One pass of the Land's job at `now`: what it deleted of the mirrors and keys. */
  const retentionAt = (now: string) => retentionPassAt(land, now, ['state_residents', 'regsync_subject_key']);

  beforeAll(async () => {
    env = await startReplayTestEnvironment('landkeys');
    env.dropAtEnd(instanceDatabaseName('state', PROVIDER, env.namespace));
    router = await startInProcessRouter(env, `MUNICIPAL:03404000,MUNICIPAL:14612000,STATE:${NIEDERSACHSEN}@${PROVIDER},STATE:${SACHSEN}@${PROVIDER}`);
    const config = loadStateConfig({
      ...serviceEnv(env),
      INSTANCE_KEY: PROVIDER,
      AGENCY_API_KEYS: `operators:operators-${randomUUID()}`,
      AUTHORITIES: JSON.stringify([
        { key: NIEDERSACHSEN, agencies: { 'lgln-niedersachsen': agencyKeys[NIEDERSACHSEN] } },
        { key: SACHSEN, agencies: { 'geosn-sachsen': agencyKeys[SACHSEN] } },
      ]),
      SUBJECT_KEY_SECRET: randomBytes(32).toString('base64'),
    });
    land = await startService(StateRegisterModule.forRoot(config), { title: `state-register ${PROVIDER}`, host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
    outgoing = outgoingTopicOf('state-register', PROVIDER, env.namespace);
    const agency = (authority: string) => new AgencyClient(`http://127.0.0.1:${(land.getHttpServer().address() as AddressInfo).port}`, agencyKeys[authority]);

    producer = env.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    flows.registerInOsnabrueck(mover);
    flows.registerInOsnabrueck(stayer, 'Weber');
    flows.moveToDresden(mover);
    await new SealedSender(env, producer).send(flows.events);
    await routerCaughtUp(env, router, ['03404000', '14612000'].map((key) => outgoingTopicOf('municipal-register', key, env.namespace)));
    await waitUntil(
      'both mirrors applied the moves',
      async () => ((await query('select 1 from state_residents where authority_key = $1 and idnr = $2 and status = $3', [NIEDERSACHSEN, mover, 'MOVED_AWAY'])).length === 1 ? true : undefined),
      120_000,
    );
    await waitUntil('Sachsen holds the mover', async () => ((await query('select 1 from state_residents where authority_key = $1 and idnr = $2', [SACHSEN, mover])).length === 1 ? true : undefined), 120_000);

    const parcel = { areaSquareMetres: 612, usage: 'Wohnbaufläche', changeReason: null };
    expect((await agency(NIEDERSACHSEN).recordParcel({ ...parcel, parcelId: OSNABRUECK_PARCEL, municipalityKey: '03404000', ownerIdnrs: [stayer] })).status).toBe(201);
    expect((await agency(SACHSEN).recordParcel({ ...parcel, parcelId: DRESDEN_PARCEL, municipalityKey: '14612000', ownerIdnrs: [mover] })).status).toBe(201);
    await published();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await land?.close();
    await router?.close();
    await env?.close();
  });

  it('holds keys of parcels only: no event of a Land is keyed by a person', async () => {
    expect(await query('select authority_key, subject_kind, subject_id from regsync_subject_key order by authority_key')).toEqual([
      { authority_key: NIEDERSACHSEN, subject_kind: 'PARCEL', subject_id: OSNABRUECK_PARCEL },
      { authority_key: SACHSEN, subject_kind: 'PARCEL', subject_id: DRESDEN_PARCEL },
    ]);
  });

  it("deletes Niedersachsen's record of the mover the second its 55 years end, and no key: both Länder's parcel events still open", async () => {
    expect(await retentionAt('2081-12-31T23:59:59.999Z')).toEqual({});
    expect(await retentionAt('2082-01-01T00:00:00.000Z')).toEqual({ state_residents: 1 });
    await opens(OSNABRUECK_PARCEL);
    await opens(DRESDEN_PARCEL);
  });

  it('keeps the parcel keys while the parcels are current, however far the clock moves', async () => {
    expect(await retentionAt('2400-01-01T00:00:00.000Z')).toEqual({});
    expect((await query('select subject_id from regsync_subject_key order by subject_id')).length).toBe(2);
    await opens(OSNABRUECK_PARCEL);
    await opens(DRESDEN_PARCEL);
  });
});

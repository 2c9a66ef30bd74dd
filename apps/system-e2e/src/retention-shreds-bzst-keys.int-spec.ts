import { INestApplication } from '@nestjs/common';
import { Producer } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { outgoingTopicOf } from '@regsync/contracts/topics';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { birthRegistrationId } from '@regsync/register-domain/identifiers';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadFederalConfig } from '@regsync/apps/federal-register/src/config';
import { FederalRegisterModule } from '@regsync/apps/federal-register/src/federal-register.module';
import { FlowEvents, OSNABRUECK } from '@regsync/apps/replay/test/support/register-flow-events';
import { serviceEnv } from '@regsync/apps/replay/test/support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { startInProcessRouter, routerCaughtUp } from './support/in-process-router';
import { keysOpening } from './support/keys-opening';
import { retentionPassAt, outboxPublished } from './support/retention-pass';
import { SealedSender } from './support/sealed-sender';

jest.setTimeout(300_000);

const MUNICIPALITY = OSNABRUECK.municipalityKey;

/**
 * The BZSt seals the one event it sends about a person, IdNrAssigned, with its own key of the newborn's birth
 * registration id (the event's subject); its retention job deletes that key once the base data of the IdNr assigned
 * for that birth end (§ 139b AO: 20 years after the end of the year of death). Here: three newborns of Osnabrück, one
 * of whom dies on 2026-11-24 and one of whom is erased (the erasure deletes the key of the birth at once).
 */
describe("retention shreds the BZSt's own key of a person when the person's base data end", () => {
  let env: ReplayTestEnvironment;
  let router: INestApplication;
  let bzst: INestApplication;
  let producer: Producer;
  let sender: SealedSender;
  let outgoing: string;
  const flows = new FlowEvents();
  const [deceased, survivor, erasedLater] = [1, 2, 3].map((sequence) => birthRegistrationId(MUNICIPALITY, 2026, sequence));
  let municipalTopics: string[];

  /** Per IdNrAssigned the BZSt sent about the birth, the id of the key it opens with on the BZSt's key topic now, or 'erased'. */
  const openEvents = (birth: string) => keysOpening(env, outgoing, birth);
  const opens = async (birth: string) => expect((await openEvents(birth)).includes('erased')).toBe(false);
  const erased = async (birth: string) => expect(new Set(await openEvents(birth))).toEqual(new Set(['erased']));
  const query = async <Row>(sql: string, parameters: unknown[] = []) => (await bzst.get(DataSource).query(sql, parameters)) as Row[];

  const idnrOf = async (birth: string) =>
    waitUntil(`the BZSt assigned an IdNr to ${birth}`, async () => (await query<{ idnr: string }>('select idnr from idnr_base_data where birth_registration_id = $1', [birth]))[0]?.idnr, 120_000);

  const published = () => outboxPublished(bzst, 'the BZSt');
  /** One pass of the BZSt's job at `now`: what it deleted of the base data and keys. */
  const retentionAt = (now: string) => retentionPassAt(bzst, now, ['idnr_base_data', 'regsync_subject_key']);

  beforeAll(async () => {
    env = await startReplayTestEnvironment('bzstkeys');
    env.dropAtEnd(instanceDatabaseName('federal', 'DE', env.namespace));
    router = await startInProcessRouter(env, `MUNICIPAL:${MUNICIPALITY},FEDERAL:DE`);
    const config = loadFederalConfig({ ...serviceEnv(env), AGENCY_API_KEYS: 'test-agency:test-agency-key', SUBJECT_KEY_SECRET: randomBytes(32).toString('base64') });
    bzst = await startService(FederalRegisterModule.forRoot(config), { title: 'federal-register', host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
    outgoing = outgoingTopicOf('federal-register', 'DE', env.namespace);
    producer = env.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    sender = new SealedSender(env, producer);
    municipalTopics = [outgoingTopicOf('municipal-register', MUNICIPALITY, env.namespace)];

    // The Meldebehörde asks for each newborn's IdNr; the BZSt answers with IdNrAssigned, keyed by the birth.
    for (const birth of [deceased, survivor, erasedLater]) {
      flows.emit('IdNrRequested', MUNICIPALITY, 'MELDEREGISTER', birth, {
        birthRegistrationId: birth, familyName: 'Brandt', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: new Date('2026-11-20T00:00:00.000Z'), placeOfBirth: 'Osnabrück', address: OSNABRUECK, requestingMunicipalityKey: MUNICIPALITY,
      });
    }
    await sender.send(flows.events);
    await routerCaughtUp(env, router, municipalTopics);
    const idnr = await idnrOf(deceased);
    await idnrOf(survivor);
    await idnrOf(erasedLater);
    await published();

    // The Standesamt records the death; the BZSt stores the Sterbetag.
    await sender.send([flows.emit('DeathRecorded', MUNICIPALITY, 'PERSONENSTANDSREGISTER', idnr, { idnr, dateOfDeath: new Date('2026-11-24T00:00:00.000Z'), placeOfDeath: 'Osnabrück' })]);
    await routerCaughtUp(env, router, municipalTopics);
    await waitUntil('the BZSt recorded the death', async () => (await query<{ status: string }>('select status from idnr_base_data where idnr = $1', [idnr]))[0]?.status === 'DECEASED' || undefined, 120_000);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await bzst?.close();
    await router?.close();
    await env?.close();
  });

  it('keeps the keys of the births while their base data are kept: through the last second of the 20 years after the end of the year of death', async () => {
    expect(await retentionAt('2046-12-31T23:59:59.999Z')).toEqual({});
    await opens(deceased);
    await opens(survivor);
  });

  it("shreds the key of the deceased's birth in the second the base data end, with them; the other newborn's IdNrAssigned still opens", async () => {
    expect(await retentionAt('2047-01-01T00:00:00.000Z')).toEqual({ idnr_base_data: 1, regsync_subject_key: 1 });
    await erased(deceased);
    await opens(survivor);
  });

  it("erases the key of the birth with the person's base data: no event about the birth opens after the erasure, with no retention pass", async () => {
    const idnr = await idnrOf(erasedLater);
    // An erasure at the Meldebehörde, sent in the clear as every PersonErased.
    const erasure = flows.emit('PersonErased', MUNICIPALITY, 'MELDEREGISTER', idnr, { reason: 'REGISTRATION_IN_ERROR', requestedBy: 'buergeramt-osnabrueck' });
    await env.produce(municipalTopics[0], [erasure]);
    await routerCaughtUp(env, router, municipalTopics);
    await waitUntil('the BZSt erased the person', async () => (await query('select 1 from idnr_base_data where idnr = $1', [idnr])).length === 0 || undefined, 120_000);
    await published();
    await erased(erasedLater);
    expect(await retentionAt(new Date().toISOString())).toEqual({});
    await opens(survivor);
  });
});

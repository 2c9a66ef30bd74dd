import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { outgoingTopicOf } from '@regsync/contracts/topics';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { startService } from '@regsync/service-runtime/service-startup';
import { loadMunicipalConfig } from '@regsync/apps/municipal-register/src/config';
import { MunicipalRegisterModule } from '@regsync/apps/municipal-register/src/municipal-register.module';
import { serviceEnv } from '@regsync/apps/replay/test/support/live-register-service';
import { ReplayTestEnvironment, startReplayTestEnvironment } from '@regsync/apps/replay/test/support/replay-test-environment';
import { keysOpening } from './support/keys-opening';
import { retentionPassAt, outboxPublished } from './support/retention-pass';

jest.setTimeout(300_000);

const OSNABRUECK = '03404000';
const address = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const studio = { ...address, houseNumber: '14' };

/**
 * A municipality seals the events it sends about a person with its own key of the person; its retention job deletes
 * that key once no record of the person is left in its registers whose period runs (retention-catalog.ts). Here: a
 * resident who moved away on 2026-11-01 (Melderegister: 55 years after the end of that year, § 13 Abs. 2 BMG), a child
 * whose birth its Standesamt recorded, born 2026-11-20 (birth entry: 110 years, § 5 Abs. 5 Nr. 2 PStG), a resident
 * who stays, and one who moved away on 2020-05-01 and ended a Nebenwohnung here on 2026-11-15 (Abmeldung over the API:
 * 55 years after the end of 2026, like the mover).
 */
describe("retention shreds a municipality's own key of a person when its last record of them ends", () => {
  let env: ReplayTestEnvironment;
  let app: INestApplication;
  let agency: AgencyClient;
  let outgoing: string;
  const [mover, stayer, nebenwohner] = [generateIdnr(), generateIdnr(), generateIdnr()];
  let child: string;

  /** Per event the municipality sent about `subject`, the id of the key it opens with on its key topic now, or 'erased'. */
  const openEvents = (subject: string) => keysOpening(env, outgoing, subject);
  const opens = async (subject: string) => expect((await openEvents(subject)).includes('erased')).toBe(false);
  const erased = async (subject: string) => expect(new Set(await openEvents(subject))).toEqual(new Set(['erased']));

  const published = () => outboxPublished(app, 'the municipality');
  /** One pass of the job at `now`: what it deleted of the persons' records and keys. */
  const retentionAt = (now: string) => retentionPassAt(app, now, ['residents', 'secondary_residences', 'civil_status_records', 'regsync_subject_key']);

  beforeAll(async () => {
    env = await startReplayTestEnvironment('senderkeys');
    env.dropAtEnd(instanceDatabaseName('municipal', OSNABRUECK, env.namespace));
    const agencyKey = `buergeramt-${randomBytes(8).toString('hex')}`;
    const config = loadMunicipalConfig({
      ...serviceEnv(env),
      INSTANCE_KEY: OSNABRUECK,
      AGENCY_API_KEYS: `buergeramt-osnabrueck:${agencyKey}`,
      SUBJECT_KEY_SECRET: randomBytes(32).toString('base64'),
    });
    app = await startService(MunicipalRegisterModule.forRoot(config), { title: 'municipal-register', host: '127.0.0.1', port: 0, transport: RegsyncKafkaTransport });
    agency = new AgencyClient(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`, agencyKey);
    outgoing = outgoingTopicOf('municipal-register', OSNABRUECK, env.namespace);

    const person = { familyName: 'Brandt', givenNames: 'Ole', sex: 'MALE', dateOfBirth: '1980-05-02', movedInOn: '2010-04-01', previousAddress: null, dwellingStatus: 'HAUPTWOHNUNG', address };
    expect((await agency.registerResidence({ ...person, idnr: mover })).status).toBe(201);
    expect((await agency.registerResidence({ ...person, idnr: stayer, givenNames: 'Jan' })).status).toBe(201);
    expect((await agency.registerResidence({ ...person, idnr: nebenwohner, givenNames: 'Eva' })).status).toBe(201);
    expect((await agency.registerSecondaryResidence({ idnr: nebenwohner, address: studio, movedInOn: '2019-01-01' })).status).toBe(201);
    expect((await agency.moveOutOfSecondaryResidence(nebenwohner, { address: studio, movedOutOn: '2026-11-15' })).status).toBe(200);
    const birth = await agency.recordBirth({ familyName: 'Brandt', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: '2026-11-20', placeOfBirth: 'Osnabrück', residence: address });
    expect(birth.status).toBe(201);
    child = birth.body.birthRegistrationId as string;
    // The Rückmeldungen as the Melderegister applies them (the router's delivery is not what this test is about).
    const movedOut = `update residents set status = 'MOVED_OUT', moved_out_on = $2, moved_out_to = '14612000' where idnr = $1`;
    await runAsAuthority(OSNABRUECK, () => app.get(AuthorityDatabase).transaction((manager) => manager.query(movedOut, [mover, '2026-11-01'])));
    await runAsAuthority(OSNABRUECK, () => app.get(AuthorityDatabase).transaction((manager) => manager.query(movedOut, [nebenwohner, '2020-05-01'])));
    await published();
  });

  afterAll(async () => {
    await app?.close();
    await env?.close();
  });

  const nebenwohnungen = async () => ((await app.get(DataSource).query('select count(*)::int as kept from secondary_residences')) as { kept: number }[])[0].kept;

  it('keeps the key of a person whose resident record ended while their ended Nebenwohnung is kept', async () => {
    expect(await retentionAt('2076-01-01T00:00:00.000Z')).toEqual({ residents: 1 });
    await opens(nebenwohner);
    expect(await nebenwohnungen()).toBe(1);
  });

  it("keeps every key while a record of the person is kept: through the last second of the mover's 55 years and of the Nebenwohnung's", async () => {
    expect(await retentionAt('2081-12-31T23:59:59.999Z')).toEqual({});
    await opens(mover);
    await opens(nebenwohner);
    await opens(child);
    await opens(stayer);
    expect(await nebenwohnungen()).toBe(1);
  });

  it("shreds the mover's key and the Nebenwohner's in the second their last record ends, with the records; the other persons' events still open", async () => {
    expect(await retentionAt('2082-01-01T00:00:00.000Z')).toEqual({ residents: 1, secondary_residences: 1, regsync_subject_key: 2 });
    await erased(mover);
    await erased(nebenwohner);
    expect(await nebenwohnungen()).toBe(0);
    await opens(child);
    await opens(stayer);
  });

  it("keeps the Standesamt's key of the child through the birth entry's 110 years and shreds it the second after; the resident's key stays", async () => {
    expect(await retentionAt('2136-11-20T23:59:59.999Z')).toEqual({});
    await opens(child);
    expect(await retentionAt('2136-11-21T00:00:00.000Z')).toEqual({ regsync_subject_key: 1 });
    await erased(child);
    await opens(stayer);
    // The Personenstandsregister offers the entry to the archive: the job never deletes it.
    const [{ entries }] = (await app.get(DataSource).query('select count(*)::int as entries from civil_status_records')) as { entries: number }[];
    expect(entries).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-encoding';
import type { ResidenceRegistered } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, deliveryTopicOf } from '@regsync/contracts/topics';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { kafkaClient } from '@regsync/messaging/broker';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { loadStateConfig } from '@regsync/apps/state-register/src/config';
import { StateRegisterModule } from '@regsync/apps/state-register/src/state-register.module';
import { type HostingProcess, startHostingProcess } from './support/hosting-process';

const KAFKA = loadKafkaConnection();
const PROVIDER = 'land1';
const NIEDERSACHSEN = '03';
const SACHSEN = '14';
const ANNA = '36574261809';
const OSNABRUECK_PARCEL = '03123400100012______';
const niedersachsenKey = `lgln-${randomUUID()}`;
const sachsenKey = `geosn-${randomUUID()}`;

jest.setTimeout(180_000);

/**
 * One state-register process hosting two Länder (AUTHORITIES), as main.ts starts it: each Land's agency key reads and
 * writes its own Landesmelderegister and cadastre only, over HTTP; a delivery is applied as the Land it is addressed to.
 */
describe('a state-register process hosting two Länder', () => {
  const namespace = `t_laender_${randomUUID().slice(0, 8)}`;
  let hosting: HostingProcess;
  let niedersachsen: AgencyClient;
  let sachsen: AgencyClient;

  beforeAll(async () => {
    hosting = await startHostingProcess({
      namespace,
      title: `state-register ${PROVIDER}`,
      processKey: PROVIDER,
      database: instanceDatabaseName('state', PROVIDER, namespace),
      authorities: [
        { key: NIEDERSACHSEN, agencies: { 'lgln-niedersachsen': niedersachsenKey } },
        { key: SACHSEN, agencies: { 'geosn-sachsen': sachsenKey } },
      ],
      moduleOf: (environment) => StateRegisterModule.forRoot(loadStateConfig(environment)),
    });
    niedersachsen = new AgencyClient(hosting.baseUrl, niedersachsenKey);
    sachsen = new AgencyClient(hosting.baseUrl, sachsenKey);
  });

  afterAll(() => hosting?.stop());

  it("shows one Land's resident to that Land's key only: the other Land's key gets 404, as for any unknown person", async () => {
    // As the router delivers Osnabrück's Anmeldung: on the provider's one delivery topic, addressed to Niedersachsen.
    const registered: ResidenceRegistered = {
      envelope: { eventId: randomUUID(), eventType: 'ResidenceRegistered', occurredAt: new Date(), source: { level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' }, subject: { kind: 'PERSON', id: ANNA }, subjectVersion: 1, correlationId: randomUUID(), causationId: null, legalBasis: '§ 33 BMG' },
      idnr: ANNA,
      familyName: 'Schmidt',
      givenNames: 'Anna',
      sex: 'FEMALE',
      dateOfBirth: new Date(Date.UTC(1990, 2, 14)),
      address: { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
      movedInOn: new Date(Date.UTC(2018, 3, 1)),
      previousAddress: null,
      dwellingStatus: 'HAUPTWOHNUNG',
    };
    const codec = await EventCodec.connect(hosting.schemaRegistryUrl);
    const producer = kafkaClient(KAFKA, { clientId: `test-${namespace}-router`, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: deliveryTopicOf('state-register', PROVIDER, namespace),
      acks: -1,
      messages: [
        {
          key: ANNA,
          value: codec.encode(registered),
          headers: { [KAFKA_HEADERS.eventType]: 'ResidenceRegistered', [KAFKA_HEADERS.eventId]: registered.envelope.eventId, [KAFKA_HEADERS.recipientRegister]: 'LANDESMELDEREGISTER', [KAFKA_HEADERS.recipientAuthority]: NIEDERSACHSEN },
        },
      ],
    });
    await producer.disconnect();

    const held = await waitUntil('Niedersachsen holds the resident', async () => ((await niedersachsen.resident(ANNA)).status === 200 ? (await niedersachsen.resident(ANNA)).body : undefined));
    expect(held).toMatchObject({ idnr: ANNA, status: 'RESIDENT', address: { municipalityKey: '03404000' } });
    expect((await sachsen.resident(ANNA)).status).toBe(404);
    expect((await sachsen.residents()).body.residents).toEqual([]);
    expect((await sachsen.transfers(ANNA)).body.transfers).toEqual([]);
  });

  it("keeps one Land's cadastre from the other's key: it neither reads the parcel nor records one in the other's Land", async () => {
    expect((await niedersachsen.recordParcel({ parcelId: OSNABRUECK_PARCEL, municipalityKey: '03404000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [ANNA] })).status).toBe(201);
    expect((await niedersachsen.parcel(OSNABRUECK_PARCEL)).body).toMatchObject({ areaSquareMetres: 612, ownerIdnrs: [ANNA] });
    expect((await sachsen.parcel(OSNABRUECK_PARCEL)).status).toBe(404);
    const forged = await sachsen.recordParcel({ parcelId: OSNABRUECK_PARCEL, municipalityKey: '03404000', areaSquareMetres: 1, usage: 'Wohnbaufläche', ownerIdnrs: [] });
    expect(forged.status).toBe(400);
    expect(forged.body.violations).toContainEqual({ field: 'parcelId', rule: `must lie in Land ${SACHSEN} (this cadastre)` });
    expect((await niedersachsen.parcel(OSNABRUECK_PARCEL)).body).toMatchObject({ areaSquareMetres: 612, ownerIdnrs: [ANNA] });
  });

  it('refuses a key of neither Land with 401', async () => {
    expect((await sachsen.withApiKey(`unknown-${randomUUID()}`).resident(ANNA)).status).toBe(401);
  });
});

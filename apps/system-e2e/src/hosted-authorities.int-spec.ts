import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { Client } from 'pg';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { NameChanged } from '@regsync/contracts/generated/events';
import { KAFKA_HEADERS, consumerGroupOf, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, redriveOutcomeTopicOf, redriveTopicOf } from '@regsync/contracts/topics';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { kafkaClient } from '@regsync/messaging/broker';
import { parseRedriveOutcome } from '@regsync/messaging/dead-letter-redrive';
import { readBoundedLog, resolveLogRange } from '@regsync/event-replay/replay';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { databaseUrl, instanceDatabaseName } from '@regsync/persistence/databases';
import { loadKafkaConnection } from '@regsync/service-runtime/service-config';
import { loadMunicipalConfig } from '@regsync/apps/municipal-register/src/config';
import { MunicipalRegisterModule } from '@regsync/apps/municipal-register/src/municipal-register.module';
import { type HostingProcess, startHostingProcess } from './support/hosting-process';

const KAFKA = loadKafkaConnection();
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PROVIDER = 'kdo1';
const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const DRESDEN = '14612000';
const osnabrueckKey = `osnabrueck-${randomUUID()}`;
const hannoverKey = `hannover-${randomUUID()}`;
const address = (municipalityKey: string, city: string) => ({ street: 'Große Straße', houseNumber: '12', postalCode: '49074', city, municipalityKey });
const anna = { idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', movedInOn: '2018-04-01', previousAddress: null, dwellingStatus: 'HAUPTWOHNUNG' };

jest.setTimeout(180_000);

/**
 * One municipal process of an IT service provider hosting two municipalities (AUTHORITIES): each agency's API key
 * acts for its own municipality only, over HTTP, as main.ts starts the service.
 */
describe('a municipal process hosting two municipalities', () => {
  const namespace = `t_hosted_${randomUUID().slice(0, 8)}`;
  const database = instanceDatabaseName('municipal', PROVIDER, namespace);
  let hosting: HostingProcess;
  let osnabrueck: AgencyClient;
  let hannover: AgencyClient;

  beforeAll(async () => {
    // As main.ts starts it: with the consumer of both municipalities' delivery topics; resolves once it consumes.
    hosting = await startHostingProcess({
      namespace,
      title: `municipal-register ${PROVIDER}`,
      processKey: PROVIDER,
      database,
      authorities: [
        { key: OSNABRUECK, agencies: { 'buergeramt-osnabrueck': osnabrueckKey } },
        { key: HANNOVER, agencies: { 'buergeramt-hannover': hannoverKey } },
      ],
      moduleOf: (environment) => MunicipalRegisterModule.forRoot(loadMunicipalConfig(environment)),
    });
    osnabrueck = new AgencyClient(hosting.baseUrl, osnabrueckKey);
    hannover = new AgencyClient(hosting.baseUrl, hannoverKey);
  });

  afterAll(() => hosting?.stop());

  async function query(sql: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
    const client = new Client({ connectionString: databaseUrl(DATABASE_URL, database) });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }

  async function outboxTopics(idnr: string): Promise<string[]> {
    const rows = await query(`select topic from regsync_outbox where record_key = $1 and topic not like '%.dlq' order by topic`, [idnr]);
    return rows.map(({ topic }) => topic as string);
  }

  // A marriage recorded by the Standesamt of `standesamt`, addressed (on the delivery topic) to `municipality`.
  const marriage = (municipality: string, familyName: string, standesamt = municipality): NameChanged => ({
    envelope: { eventId: randomUUID(), eventType: 'NameChanged', occurredAt: new Date(), source: { level: 'MUNICIPAL', instanceKey: standesamt, register: 'PERSONENSTANDSREGISTER' }, subject: { kind: 'PERSON', id: anna.idnr }, subjectVersion: 1, correlationId: randomUUID(), causationId: null, legalBasis: '§ 17 Abs. 4 BMG' },
    idnr: anna.idnr,
    familyName,
    givenNames: 'Anna',
    previousFamilyName: 'Schmidt',
    reason: 'MARRIAGE',
    maritalStatus: 'MARRIED',
    effectiveOn: new Date(Date.UTC(2026, 5, 2)),
  });

  it("answers 404 to one municipality's key for the other's resident, as for any unknown person", async () => {
    expect((await osnabrueck.registerResidence({ ...anna, address: address(OSNABRUECK, 'Osnabrück') })).status).toBe(201);
    expect((await osnabrueck.resident(anna.idnr)).status).toBe(200);
    expect((await hannover.resident(anna.idnr)).status).toBe(404);
    expect((await hannover.residents()).body.residents).toEqual([]);
    expect((await hannover.transfers(anna.idnr)).body.transfers).toEqual([]);
  });

  it("refuses a key's write into the other municipality: the address must be its own municipality's", async () => {
    const refused = await osnabrueck.registerResidence({ ...anna, idnr: '12345678995', address: address(HANNOVER, 'Hannover') });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain(`must be this municipality (${OSNABRUECK})`);
    expect((await hannover.resident('12345678995')).status).toBe(404);
  });

  it('keeps a person registered in both apart, and sends both registrations on the provider’s one outgoing topic', async () => {
    const registered = await hannover.registerResidence({ ...anna, familyName: 'Köhler', address: address(HANNOVER, 'Hannover') });
    expect(registered.status).toBe(201);
    expect((await hannover.resident(anna.idnr)).body).toMatchObject({ familyName: 'Köhler', address: { municipalityKey: HANNOVER } });
    expect((await osnabrueck.resident(anna.idnr)).body).toMatchObject({ familyName: 'Schmidt', address: { municipalityKey: OSNABRUECK } });
    expect(await outboxTopics(anna.idnr)).toEqual([outgoingTopicOf('municipal-register', PROVIDER, namespace), outgoingTopicOf('municipal-register', PROVIDER, namespace)]);
  });

  it("applies a record of the provider's shared delivery topic as the authority it is addressed to only, and dead-letters one addressed to an authority it does not host", async () => {
    const codec = await EventCodec.connect(hosting.schemaRegistryUrl);
    const kafka = kafkaClient(KAFKA, { clientId: `test-${namespace}-router`, logLevel: logLevel.NOTHING });
    const deliveries = deliveryTopicOf('municipal-register', PROVIDER, namespace);
    // As the router delivers: the same person is in both registers; each record names the one authority it is for.
    const toHannover = marriage(HANNOVER, 'Lange', DRESDEN);
    const toNuremberg = marriage('09564000', 'Huber', DRESDEN);
    const toOsnabrueck = marriage(OSNABRUECK, 'Krause', DRESDEN);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: deliveries,
      acks: -1,
      messages: [
        [toHannover, HANNOVER],
        [toNuremberg, '09564000'],
        [toOsnabrueck, OSNABRUECK],
      ].map(([event, addressee]) => ({
        key: anna.idnr,
        value: codec.encode(event as NameChanged),
        headers: { [KAFKA_HEADERS.eventType]: 'NameChanged', [KAFKA_HEADERS.eventId]: (event as NameChanged).envelope.eventId, [KAFKA_HEADERS.recipientRegister]: 'MELDEREGISTER', [KAFKA_HEADERS.recipientAuthority]: addressee as string },
      })),
    });
    await producer.disconnect();

    await waitUntil("Osnabrück's record, last of the three, applied", async () => ((await osnabrueck.resident(anna.idnr)).body.familyName === 'Krause' ? true : undefined));
    expect((await hannover.resident(anna.idnr)).body).toMatchObject({ familyName: 'Lange', address: { municipalityKey: HANNOVER } });
    const inbox = await query(`select authority_key, event_id from regsync_inbox where event_id = any($1) order by authority_key`, [[toHannover, toNuremberg, toOsnabrueck].map((event) => event.envelope.eventId)]);
    expect(inbox).toEqual([
      { authority_key: HANNOVER, event_id: toHannover.envelope.eventId },
      { authority_key: OSNABRUECK, event_id: toOsnabrueck.envelope.eventId },
    ]);
    const deadLetters = await query(`select headers from regsync_outbox where topic = $1 and record_key = $2`, [deadLetterTopicOf(consumerGroupOf('municipal-register', PROVIDER, namespace)), anna.idnr]);
    expect(deadLetters.map((row) => (row.headers as Record<string, string>)[KAFKA_HEADERS.dlqReasonCode])).toEqual(['not-addressed']);
  });

  it("applies records re-driven onto the provider's retry topic each as the municipality it is addressed to, and dead-letters one naming another process's topic", async () => {
    const codec = await EventCodec.connect(hosting.schemaRegistryUrl);
    const kafka = kafkaClient(KAFKA, { clientId: `test-${namespace}-operator`, logLevel: logLevel.NOTHING });
    const group = consumerGroupOf('municipal-register', PROVIDER, namespace);
    // as an operator's tool re-drives them: one for each municipality from the provider's delivery topic, in one batch
    // of the retry topic, and one that names the delivery topic of another process
    const redriven = [marriage(HANNOVER, 'Weber'), marriage('09162000', 'Huber'), marriage(OSNABRUECK, 'Meyer')];
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: redriveTopicOf(group),
      acks: -1,
      messages: redriven.map((event) => ({
        key: anna.idnr,
        value: codec.encode(event),
        headers: {
          [KAFKA_HEADERS.eventType]: 'NameChanged',
          [KAFKA_HEADERS.eventId]: event.envelope.eventId,
          [KAFKA_HEADERS.recipientRegister]: 'MELDEREGISTER',
          [KAFKA_HEADERS.recipientAuthority]: event.envelope.source.instanceKey,
          [KAFKA_HEADERS.sentOnTopic]: deliveryTopicOf('municipal-register', event === redriven[1] ? event.envelope.source.instanceKey : PROVIDER, namespace),
          [KAFKA_HEADERS.redriveOf]: randomUUID(),
        },
      })),
    });
    await producer.disconnect();

    await waitUntil("Hannover's resident married", async () => ((await hannover.resident(anna.idnr)).body.familyName === 'Weber' ? true : undefined));
    expect((await osnabrueck.resident(anna.idnr)).body).toMatchObject({ familyName: 'Meyer', address: { municipalityKey: OSNABRUECK } });
    expect((await hannover.resident(anna.idnr)).body).toMatchObject({ familyName: 'Weber', address: { municipalityKey: HANNOVER } });
    const outcomes = await waitUntil('both outcomes reported', async () => {
      const admin = kafka.admin();
      await admin.connect();
      const ranges = await resolveLogRange(admin, { topics: [redriveOutcomeTopicOf(group)] }).finally(() => admin.disconnect());
      const values: ReturnType<typeof parseRedriveOutcome>[] = [];
      await readBoundedLog(kafka, ranges, { groupPrefix: `${namespace}.regsync.test-reader`, onChunk: async (chunk) => void values.push(...chunk.messages.map((message) => parseRedriveOutcome(message.value))) });
      return values.length === 3 ? values : undefined;
    });
    expect(outcomes.map((outcome) => [outcome?.eventId, outcome?.kind, outcome?.reasonCode])).toEqual([
      [redriven[0].envelope.eventId, 'applied', undefined],
      [redriven[1].envelope.eventId, 'dead-lettered-again', 'source-mismatch'],
      [redriven[2].envelope.eventId, 'applied', undefined],
    ]);
  });

  it('refuses a key of neither municipality with 401', async () => {
    expect((await osnabrueck.withApiKey(`unknown-${randomUUID()}`).resident(anna.idnr)).status).toBe(401);
  });
});

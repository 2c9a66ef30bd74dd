import { randomBytes, randomUUID } from 'node:crypto';
import { Kafka, Producer } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-encoding';
import type { EventType, RegsyncEvent } from '@regsync/contracts/generated/events';
import { consumerGroupOf, deadLetterTopicOf } from '@regsync/contracts/topics';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { DeadLetterWatch } from '@regsync/local-stack/dead-letter-watch';
import { type LocalStack, randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { E2eStack } from './support/e2e-stack';


const OSNABRUECK = '03404000';
const PARENT = '12345678995';
const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const otherOsnabrueckAddress = { street: 'Lotter Straße', houseNumber: '3', postalCode: '49078', city: 'Osnabrück', municipalityKey: OSNABRUECK };

type Body = Record<string, unknown>;
type Violation = { field: string; rule: string };

/** Every string a hostile or broken client sends; none is DIN 91379 (or fits the field), so each is a 400 naming the field. */
const HOSTILE: Record<string, string> = {
  'a NUL byte': 'Mül\u0000ler',
  'a control character (ESC)': 'Mül\u001Bler',
  'DEL': 'Mül\u007Fler',
  'the right-to-left override U+202E': 'Mül\u202Eler',
  'a zero-width space': 'Mül\u200Bler',
  'a byte order mark': '\uFEFFMüller',
  // JSON.stringify writes it as the escape \ud800, which the server's JSON parser turns back into a lone surrogate
  'a lone surrogate': 'Mül\uD800ler',
  'an emoji': 'Mül😀ler',
  'a combining mark outside a listed sequence': 'Q\u0301uentin',
  'a very long string': 'a'.repeat(5_000),
};

/** A valid body of each write endpoint and the path of every string field in it. */
interface WriteEndpoint {
  name: string;
  client: () => AgencyClient;
  path: string;
  body: () => Body;
  fields: string[];
}

jest.setTimeout(120_000);

describe('hostile input: every string field of every write endpoint', () => {
  const namespace = `e2e${randomBytes(3).toString('hex')}`;
  const today = new Date().toISOString().slice(0, 10);
  const resident = generateIdnr();
  let e2e: E2eStack;
  let stack: LocalStack;
  let kafka: Kafka;
  let osnabrueck: AgencyClient;
  let niedersachsen: AgencyClient;
  let routerDeadLetters: DeadLetterWatch;

  const endpoints: WriteEndpoint[] = [
    {
      name: 'POST /births',
      client: () => osnabrueck,
      path: '/births',
      body: () => ({ familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: today, placeOfBirth: 'Osnabrück', parentIdnrs: [PARENT], residence: osnabrueckAddress }),
      fields: ['birthRegistrationId', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'placeOfBirth', 'parentIdnrs.0', ...addressFields('residence')],
    },
    {
      name: 'POST /residences',
      client: () => osnabrueck,
      path: '/residences',
      body: () => ({ idnr: generateIdnr(), familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', address: osnabrueckAddress, movedInOn: today, previousAddress: otherOsnabrueckAddress }),
      fields: ['idnr', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'movedInOn', ...addressFields('address'), ...addressFields('previousAddress')],
    },
    {
      name: 'POST /name-changes',
      client: () => osnabrueck,
      path: '/name-changes',
      body: () => ({ idnr: resident, familyName: 'Köhler', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: today }),
      fields: ['idnr', 'familyName', 'givenNames', 'reason', 'maritalStatus', 'effectiveOn'],
    },
    {
      name: 'POST /deaths',
      client: () => osnabrueck,
      path: '/deaths',
      body: () => ({ idnr: resident, dateOfDeath: today, placeOfDeath: 'Osnabrück' }),
      fields: ['idnr', 'dateOfDeath', 'placeOfDeath'],
    },
    {
      name: 'POST /parcels',
      client: () => niedersachsen,
      path: '/parcels',
      body: () => ({ parcelId: '03404300100012______', municipalityKey: OSNABRUECK, areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [PARENT], changeReason: 'Zerlegung' }),
      fields: ['parcelId', 'municipalityKey', 'usage', 'ownerIdnrs.0', 'changeReason'],
    },
  ];

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, {
      portOffset: randomPortOffset(2000, 40),
      // the municipality with the four civil-status and residence endpoints, the Land with the parcels and the mirror
      instances: (instance) => [OSNABRUECK, '03'].includes(instance.instanceKey),
    });
    stack = e2e.stack;
    osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
    niedersachsen = AgencyClient.of(stack, 'state-register', '03');
    kafka = e2e.kafka;
    routerDeadLetters = await DeadLetterWatch.start(kafka, deadLetterTopicOf(consumerGroupOf('router', 'main', namespace)));
    // the person of the name-change and death bodies, so that a valid body would be accepted
    const registered = await osnabrueck.registerResidence({ idnr: resident, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null });
    expect(registered.status).toBe(201);
  }, 240_000);

  afterAll(async () => {
    await routerDeadLetters?.stop();
    await e2e?.stop();
  }, 120_000);

  describe('refused with 400 naming the field, and nothing written', () => {
    let rowsBefore: number;

    beforeAll(async () => {
      rowsBefore = await writtenRows();
    });

    afterAll(async () => {
      expect(await writtenRows()).toBe(rowsBefore);
    });

    it.each(endpoints.map((endpoint) => [endpoint.name, endpoint] as const))('%s: each hostile string in each string field', async (_, endpoint) => {
      const unexpected: string[] = [];
      for (const field of endpoint.fields) {
        for (const [what, hostile] of Object.entries(HOSTILE)) {
          const response = await endpoint.client().send('POST', endpoint.path, withField(endpoint.body(), field, hostile));
          const fields = ((response.body.violations ?? []) as Violation[]).map((violation) => violation.field);
          if (response.status !== 400 || !fields.includes(field)) unexpected.push(`${field} with ${what}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
        }
      }
      expect(unexpected).toEqual([]);
    });

    it('names the rule and the position of the first bad character of a name', async () => {
      const response = await osnabrueck.recordBirth({ ...endpoints[0].body(), familyName: 'Mül\u202Eler' });
      expect(response.status).toBe(400);
      expect(response.body.violations).toEqual([{ field: 'familyName', rule: expect.stringMatching(/^character U\+202E at position 4 is not allowed: must consist of DIN 91379 data type A/) }]);
      const lone = await osnabrueck.send('POST', '/births', JSON.stringify({ ...endpoints[0].body(), givenNames: 'M\uD800ia' }));
      expect(lone.body.violations).toEqual([{ field: 'givenNames', rule: expect.stringMatching(/^character U\+D800 at position 2 is not allowed/) }]);
    });

    it('refuses a body whose bytes are no UTF-8 (an encoded lone surrogate) like any other bad character', async () => {
      const [before, after] = JSON.stringify({ ...endpoints[0].body(), familyName: 'Mül|ler' }).split('|');
      const response = await osnabrueck.send('POST', '/births', Buffer.concat([Buffer.from(before), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from(after)]));
      expect(response.status).toBe(400);
      expect(response.body.violations).toEqual([{ field: 'familyName', rule: expect.stringMatching(/^character U\+FFFD at position 4 is not allowed/) }]);
    });

    it('refuses implausible facts with what is wrong', async () => {
      const birth = endpoints[0].body();
      const residence = { ...endpoints[1].body(), previousAddress: null };
      const expectations: [Promise<{ status: number; body: Body }>, Violation][] = [
        [osnabrueck.registerResidence({ ...residence, dateOfBirth: '1850-01-01' }), { field: 'dateOfBirth', rule: '1850-01-01 is before the earliest accepted date of birth 1890-01-01' }],
        [osnabrueck.registerResidence({ ...residence, dateOfBirth: '0001-01-01' }), { field: 'dateOfBirth', rule: '0001-01-01 is before the earliest accepted date of birth 1890-01-01' }],
        [osnabrueck.registerResidence({ ...residence, movedInOn: '1990-03-13' }), { field: 'movedInOn', rule: '1990-03-13 is before the date of birth 1990-03-14' }],
        [osnabrueck.registerResidence({ ...residence, address: { ...osnabrueckAddress, postalCode: '00000' } }), { field: 'address.postalCode', rule: '00000 is not a German postal code (Deutsche Post list, package german-postal-codes)' }],
        [osnabrueck.registerResidence({ ...residence, previousAddress: osnabrueckAddress }), { field: 'previousAddress', rule: 'must differ from the new address (a move within one address is no Anmeldung)' }],
        [osnabrueck.recordBirth({ ...birth, parentIdnrs: [PARENT, PARENT] }), { field: 'parentIdnrs', rule: 'must name two different parents, not one parent twice' }],
        [osnabrueck.recordNameChange({ ...endpoints[2].body(), effectiveOn: '1980-01-01' }), { field: 'effectiveOn', rule: '1980-01-01 is before the date of birth 1990-03-14' }],
        [osnabrueck.recordNameChange({ ...endpoints[2].body(), effectiveOn: '0001-01-01' }), { field: 'effectiveOn', rule: '0001-01-01 is before the date of birth 1990-03-14' }],
      ];
      for (const [call, violation] of expectations) {
        const response = await call;
        expect({ status: response.status, violations: response.body.violations }).toEqual({ status: 400, violations: [violation] });
      }
    });
  });

  describe('accepted', () => {
    it('accepts the valid body of every write endpoint, so each refusal above is the doing of the hostile string', async () => {
      // the death last: nothing is recorded for the person after it
      for (const endpoint of [...endpoints.filter((candidate) => candidate.path !== '/deaths'), endpoints.find((candidate) => candidate.path === '/deaths')!]) {
        const response = await endpoint.client().send('POST', endpoint.path, endpoint.body());
        expect({ endpoint: endpoint.name, status: response.status }).toEqual({ endpoint: endpoint.name, status: 201 });
      }
    });

    it('stores a decomposed name composed (NFC) and accepts SQL- and HTML-looking text made of DIN 91379 characters', async () => {
      const recorded = await osnabrueck.recordBirth({ ...endpoints[0].body(), familyName: "O'Brien-Mu\u0308ller", givenNames: 'Nguye\u0302\u0303n', placeOfBirth: "<b>Osnabrück</b>'; drop table residents;--" });
      expect(recorded.status).toBe(201);
      const [row] = await e2e.query('municipal', OSNABRUECK, 'select family_name, given_names, place_of_birth from civil_status_records where birth_registration_id = $1', [recorded.body.birthRegistrationId]);
      expect(row).toEqual({ family_name: "O'Brien-Müller", given_names: 'Nguyễn', place_of_birth: "<b>Osnabrück</b>'; drop table residents;--" });
    });
  });

  describe('the router refuses such text and implausible facts in an event, into its dead-letter topic with the reason, before any register receives it', () => {
    let producer: Producer;
    let codec: EventCodec;

    beforeAll(async () => {
      codec = await EventCodec.connect(stack.schemaRegistryUrl);
      producer = kafka.producer();
      await producer.connect();
    });

    afterAll(() => producer?.disconnect());

    const registration = (idnr: string, changes: Body) => ({ idnr, familyName: 'Falke', givenNames: 'Fritz', sex: 'MALE', dateOfBirth: new Date(Date.UTC(1980, 0, 1)), address: osnabrueckAddress, movedInOn: new Date(Date.UTC(2024, 0, 1)), previousAddress: null, ...changes });

    it('dead-letters a registration whose name holds U+202E, naming the field, the rule and the position', async () => {
      const idnr = generateIdnr();
      const event = await produce(producer, codec, 'ResidenceRegistered', idnr, registration(idnr, { givenNames: 'Fr\u202Eitz' }));
      const letter = await waitUntil('the router dead-letters it', async () => routerDeadLetters.find((candidate) => candidate.eventId === event.envelope.eventId));
      expect(letter).toMatchObject({ eventType: 'ResidenceRegistered', reasonCode: 'invalid-text' });
      expect(letter.reason).toMatch(/^givenNames: character U\+202E at position 3 is not allowed: must consist of DIN 91379 data type A/);
      expect((await niedersachsen.resident(idnr)).status).toBe(404);
    });

    it('dead-letters a registration with a move-in before the birth as implausible', async () => {
      const idnr = generateIdnr();
      const event = await produce(producer, codec, 'ResidenceRegistered', idnr, registration(idnr, { movedInOn: new Date(Date.UTC(1970, 0, 1)) }));
      const letter = await waitUntil('the router dead-letters it', async () => routerDeadLetters.find((candidate) => candidate.eventId === event.envelope.eventId));
      expect(letter).toMatchObject({ reasonCode: 'implausible', reason: 'movedInOn: 1970-01-01 is before the date of birth 1980-01-01' });
      expect((await niedersachsen.resident(idnr)).status).toBe(404);
    });

    it('stores the text of a decomposed event in NFC', async () => {
      const idnr = generateIdnr();
      await produce(producer, codec, 'ResidenceRegistered', idnr, registration(idnr, { familyName: 'Ko\u0308hler', address: { ...osnabrueckAddress, street: 'Gro\u00DFe Stra\u00DFe', city: 'Osnabru\u0308ck' } }));
      const mirrored = await waitUntil('Niedersachsen mirrors the person', async () => {
        const response = await niedersachsen.resident(idnr);
        return response.status === 200 ? response.body : undefined;
      });
      expect(mirrored).toMatchObject({ familyName: 'Köhler', address: osnabrueckAddress });
    });
  });

  /** Register rows and outbox rows of both instances: what a refused request must not change. */
  async function writtenRows(): Promise<number> {
    const [municipal] = await e2e.query('municipal', OSNABRUECK, 'select (select count(*) from regsync_outbox) + (select count(*) from residents) + (select count(*) from civil_status_records) as rows',
    );
    const [state] = await e2e.query('state', '03', 'select (select count(*) from regsync_outbox) + (select count(*) from parcels) as rows');
    return Number(municipal.rows) + Number(state.rows);
  }

  async function produce(producer: Producer, codec: EventCodec, eventType: EventType, subjectId: string, payload: Body): Promise<RegsyncEvent> {
    const event = {
      ...payload,
      envelope: {
        eventId: randomUUID(),
        eventType,
        occurredAt: new Date(),
        source: { level: 'MUNICIPAL', instanceKey: OSNABRUECK, register: 'MELDEREGISTER' },
        subject: { kind: 'PERSON', id: subjectId },
        subjectVersion: 1,
        correlationId: randomUUID(),
        causationId: null,
        legalBasis: '§ 17 Abs. 1 BMG',
      },
    } as unknown as RegsyncEvent;
    await e2e.send(producer, codec, event);
    return event;
  }

});

function addressFields(path: string): string[] {
  return ['street', 'houseNumber', 'postalCode', 'city', 'municipalityKey'].map((field) => `${path}.${field}`);
}

/** A copy of the body with the string at `path` (`residence.city`, `parentIdnrs.0`) replaced. */
function withField(body: Body, path: string, value: string): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  const parent = keys.slice(0, -1).reduce((target, key) => target[key] as Body, copy);
  parent[keys[keys.length - 1]] = value;
  return copy;
}

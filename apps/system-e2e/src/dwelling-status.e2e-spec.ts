import { randomBytes, randomUUID } from 'node:crypto';
import { AgencyClient, type AgencyResponse, type Transfer } from '@regsync/local-stack/agency-client';
import { randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { E2eStack } from './support/e2e-stack';

const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const ANNA = '36574261809';
const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const hannoverAddress = { street: 'Lange Laube', houseNumber: '1', postalCode: '30159', city: 'Hannover', municipalityKey: HANNOVER };
const anna = { idnr: ANNA, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14' };

jest.setTimeout(120_000);

function bodyIf(response: Promise<AgencyResponse>, accept: (body: Record<string, unknown>) => boolean = () => true) {
  return response.then((answer) => (answer.status === 200 && accept(answer.body) ? answer.body : undefined));
}

describe("the dwelling's status (ResidenceRegistered v2), end to end: every service a process on the real broker and database", () => {
  const namespace = `dwell${randomBytes(3).toString('hex')}`;
  let e2e: E2eStack;
  let osnabrueck: AgencyClient;
  let hannover: AgencyClient;
  let niedersachsen: AgencyClient;
  let federal: AgencyClient;

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, {
      portOffset: randomPortOffset(1000, 20),
      instances: (instance) => [OSNABRUECK, HANNOVER, '03', 'DE'].includes(instance.instanceKey),
    });
    osnabrueck = AgencyClient.of(e2e.stack, 'municipal-register', OSNABRUECK);
    hannover = AgencyClient.of(e2e.stack, 'municipal-register', HANNOVER);
    niedersachsen = AgencyClient.of(e2e.stack, 'state-register', '03');
    federal = AgencyClient.of(e2e.stack, 'federal-register', 'DE');
  }, 240_000);

  afterAll(() => e2e?.stop(), 120_000);

  it('a Nebenwohnung is kept by its Melderegister and the Land; the BZSt keeps the Hauptwohnung (§ 139b Abs. 6 AO)', async () => {
    const main = await osnabrueck.registerResidence({ ...anna, address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null });
    expect(main.status).toBe(201);
    expect(main.body.resident).toMatchObject({ address: osnabrueckAddress, dwellingStatus: 'HAUPTWOHNUNG' });
    await waitUntil('the BZSt has Anna in Osnabrück', () => bodyIf(federal.person(ANNA)));

    const correlationId = `nebenwohnung-${randomUUID()}`;
    const second = await hannover.registerResidence({ ...anna, address: hannoverAddress, movedInOn: '2024-02-01', dwellingStatus: 'NEBENWOHNUNG' }, correlationId);
    expect(second.status).toBe(201);
    expect((await hannover.resident(ANNA)).body).toMatchObject({ address: hannoverAddress, dwellingStatus: 'NEBENWOHNUNG', status: 'RESIDENT' });
    expect((await osnabrueck.resident(ANNA)).body).toMatchObject({ address: osnabrueckAddress, dwellingStatus: 'HAUPTWOHNUNG', status: 'RESIDENT' });
    const mirrored = await waitUntil('Niedersachsen mirrors the Nebenwohnung', () => bodyIf(niedersachsen.resident(ANNA), (body) => body.dwellingStatus === 'NEBENWOHNUNG'));
    expect(mirrored).toMatchObject({ address: hannoverAddress });

    // A later event of Anna on the same partition: once the BZSt has applied it, it has passed the Nebenwohnung.
    const marriage = await osnabrueck.recordNameChange({ idnr: ANNA, familyName: 'Schmidt-Weber', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: new Date().toISOString().slice(0, 10) });
    expect(marriage.status).toBe(201);
    const baseData = await waitUntil('the BZSt has the new name', () => bodyIf(federal.person(ANNA), (body) => body.familyName === 'Schmidt-Weber'));
    expect(baseData).toMatchObject({ address: osnabrueckAddress });
    expect(baseData).not.toHaveProperty('dwellingStatus');

    const transfers = (await federal.cockpit(ANNA)).body.transfers.filter((transfer: Transfer) => transfer.correlationId === correlationId);
    expect(transfers.map((transfer) => `${transfer.recipient.register} ${transfer.recipient.instanceKey}`)).toEqual(['LANDESMELDEREGISTER 03']);
    expect(transfers[0].fields).toContain('dwellingStatus');
  });
});

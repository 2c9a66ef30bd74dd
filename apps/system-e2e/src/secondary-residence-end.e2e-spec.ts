import { randomBytes, randomUUID } from 'node:crypto';
import { AgencyClient, type AgencyResponse } from '@regsync/local-stack/agency-client';
import { randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { E2eStack } from './support/e2e-stack';

const OSNABRUECK = '03404000';
const ANNA = '36574261809';
const home = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const studio = { street: 'Große Straße', houseNumber: '14', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const atelier = { street: 'Große Straße', houseNumber: '16', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const today = new Date().toISOString().slice(0, 10);

jest.setTimeout(120_000);

/**
 * A Nebenwohnung ends (§ 17 Abs. 2 BMG: Abmeldung; or the holder's death), so that its retention starts: over the
 * agency API of the municipal register, and by the Standesamt's DeathRecorded as the router delivers it back.
 */
describe('the end of a Nebenwohnung, end to end: every service a process on the real broker and database', () => {
  const namespace = `nwend${randomBytes(3).toString('hex')}`;
  let e2e: E2eStack;
  let osnabrueck: AgencyClient;

  const nebenwohnungen = async () => (await osnabrueck.secondaryResidences(ANNA)).body.secondaryResidences.sort((a, b) => String((a.address as typeof home).houseNumber).localeCompare(String((b.address as typeof home).houseNumber)));

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, {
      portOffset: randomPortOffset(1000, 20),
      instances: (instance) => [OSNABRUECK, '03', 'DE'].includes(instance.instanceKey),
    });
    osnabrueck = AgencyClient.of(e2e.stack, 'municipal-register', OSNABRUECK);
    const anna = { idnr: ANNA, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', address: home, movedInOn: '2018-04-01', previousAddress: null };
    expect((await osnabrueck.registerResidence(anna)).status).toBe(201);
    expect((await osnabrueck.registerSecondaryResidence({ idnr: ANNA, address: studio, movedInOn: '2024-01-01' })).status).toBe(201);
    expect((await osnabrueck.registerSecondaryResidence({ idnr: ANNA, address: atelier, movedInOn: '2024-02-01' })).status).toBe(201);
  }, 240_000);

  afterAll(() => e2e?.stop(), 120_000);

  it('Abmeldung: ends the Nebenwohnung on the day moved out; the retry with the same Idempotency-Key answers the same and has no second effect', async () => {
    const client = osnabrueck.withIdempotencyKey(randomUUID());
    const body = { address: studio, movedOutOn: '2025-06-30' };

    const first = await client.moveOutOfSecondaryResidence(ANNA, body);
    const retry = await client.moveOutOfSecondaryResidence(ANNA, body);

    expect(first).toMatchObject({ status: 200, body: { idnr: ANNA, address: studio, movedInOn: '2024-01-01', movedOutOn: '2025-06-30' } });
    expect(first.body.movedOutBy).toBe(first.body.registeredBy);
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotency-replayed')).toBe('true');
    expect(JSON.stringify(retry.body)).toBe(JSON.stringify(first.body));
    // Without the key, the same Abmeldung is a second one: refused, the end stays.
    expect(await osnabrueck.moveOutOfSecondaryResidence(ANNA, { ...body, movedOutOn: '2025-07-01' })).toMatchObject({ status: 409, body: { code: 'moved-out-already' } });
    expect(await nebenwohnungen()).toEqual([
      expect.objectContaining({ address: studio, movedOutOn: '2025-06-30' }),
      expect.objectContaining({ address: atelier, movedOutOn: null, movedOutBy: null }),
    ]);
  });

  it('refuses a move out before the move in with 400 naming field and rule, an unknown person or dwelling with 404, a request without the API key with 401', async () => {
    const refused = (answer: AgencyResponse) => ({ status: answer.status, body: answer.body });
    expect(refused(await osnabrueck.moveOutOfSecondaryResidence(ANNA, { address: atelier, movedOutOn: '2024-01-31' }))).toEqual({
      status: 400,
      body: { error: 'invalid request', violations: [{ field: 'movedOutOn', rule: 'must not be before the move in (2024-02-01)' }] },
    });
    expect((await osnabrueck.moveOutOfSecondaryResidence('57396154059', { address: atelier, movedOutOn: '2025-01-01' })).status).toBe(404);
    expect((await osnabrueck.moveOutOfSecondaryResidence(ANNA, { address: home, movedOutOn: '2025-01-01' })).status).toBe(404);
    expect((await osnabrueck.withApiKey(undefined).moveOutOfSecondaryResidence(ANNA, { address: atelier, movedOutOn: '2025-01-01' })).status).toBe(401);
    expect((await nebenwohnungen())[1]).toMatchObject({ address: atelier, movedOutOn: null });
  });

  it("a death recorded by the Standesamt ends the Nebenwohnungen still held on the date of death, with the resident's death", async () => {
    expect((await osnabrueck.recordDeath({ idnr: ANNA, dateOfDeath: today, placeOfDeath: 'Osnabrück' })).status).toBe(201);

    await waitUntil('the Melderegister applied the death', async () => ((await osnabrueck.resident(ANNA)).body.status === 'DECEASED' ? true : undefined));

    expect(await nebenwohnungen()).toEqual([
      expect.objectContaining({ address: studio, movedOutOn: '2025-06-30' }),
      expect.objectContaining({ address: atelier, movedOutOn: today, movedOutBy: null }),
    ]);
  });
});

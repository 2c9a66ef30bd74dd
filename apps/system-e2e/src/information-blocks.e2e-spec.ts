import { randomBytes, randomUUID } from 'node:crypto';
import { AgencyClient, type AgencyResponse } from '@regsync/local-stack/agency-client';
import { randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { E2eStack } from './support/e2e-stack';

const OSNABRUECK = '03404000';
const DRESDEN = '14612000';
const CITIZEN = '36574261809';
const NEIGHBOUR = '12345678995';
const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const dresdenAddress = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: DRESDEN };
const hannoverAddress = { street: 'Lister Meile', houseNumber: '3', postalCode: '30161', city: 'Hannover', municipalityKey: '03241001' };
const citizen = { idnr: CITIZEN, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14' };

type Body = Record<string, unknown>;

jest.setTimeout(120_000);

describe('information blocks (§§ 51, 52 BMG) end to end: set in Osnabrück, carried along on the move to Dresden, lifted there', () => {
  const namespace = `blk${randomBytes(3).toString('hex')}`;
  let e2e: E2eStack;
  // The Meldebehörden's own staff are exempt (topology blockExemptAgencies); every other caller is not.
  let osnabrueck: AgencyClient;
  let dresden: AgencyClient;
  let osnabrueckThirdParty: AgencyClient;
  let dresdenThirdParty: AgencyClient;
  let niedersachsen: AgencyClient;
  let sachsen: AgencyClient;
  let federal: AgencyClient;

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, {
      // A range of its own: other stacks run on this machine at the same time, and a port taken by one answers for another.
      portOffset: randomPortOffset(10_000, 400),
      instances: (instance) => instance.app !== 'municipal-register' || [OSNABRUECK, DRESDEN].includes(instance.instanceKey),
    });
    const stack = e2e.stack;
    osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
    dresden = AgencyClient.of(stack, 'municipal-register', DRESDEN);
    // The cockpit's read-only key: a caller of the municipal API without a right to blocked addresses.
    osnabrueckThirdParty = osnabrueck.withApiKey(stack.cockpitKey);
    dresdenThirdParty = dresden.withApiKey(stack.cockpitKey);
    niedersachsen = AgencyClient.of(stack, 'state-register', '03');
    sachsen = AgencyClient.of(stack, 'state-register', '14');
    federal = AgencyClient.of(stack, 'federal-register', 'DE');
  }, 240_000);

  afterAll(async () => {
    await e2e?.stop();
  }, 120_000);

  it('registers the citizen in Osnabrück; Niedersachsen and the BZSt hold the address', async () => {
    expect((await osnabrueck.registerResidence({ ...citizen, address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null })).status).toBe(201);
    await waitUntil('Niedersachsen mirrors the citizen', () => bodyIf(niedersachsen.resident(CITIZEN)));
    await waitUntil('the BZSt holds the citizen', () => bodyIf(federal.person(CITIZEN)));
  });

  it('refuses a malformed block with 400 naming field and rule, and a block for someone who does not live here with 409', async () => {
    const bad = await osnabrueck.send('POST', '/information-blocks', { idnr: CITIZEN, kind: 'SPERRE', reasonCategory: 'DANGER_TO_LIFE_OR_HEALTH', validUntil: '2001-01-01' });
    expect(bad.status).toBe(400);
    const fields = (bad.body.violations as { field: string }[]).map((violation) => violation.field).sort();
    expect(fields).toEqual(['kind', 'validUntil']);
    const elsewhere = await dresden.send('POST', '/information-blocks', { idnr: CITIZEN, kind: 'AUSKUNFTSSPERRE', reasonCategory: 'DANGER_TO_LIFE_OR_HEALTH' });
    expect(elsewhere).toMatchObject({ status: 409, body: { code: 'unknown-subject' } });
  });

  it('sets an Auskunftssperre in Osnabrück once, whatever the retries; Niedersachsen and the BZSt refuse the address', async () => {
    const client = osnabrueck.withIdempotencyKey(randomUUID());
    const body = { idnr: CITIZEN, kind: 'AUSKUNFTSSPERRE', reasonCategory: 'DANGER_TO_LIFE_OR_HEALTH', validUntil: null };
    const first = await client.send('POST', '/information-blocks', body);
    expect(first).toMatchObject({ status: 201, body: { idnr: CITIZEN, informationBlock: { kind: 'AUSKUNFTSSPERRE', validUntil: null } } });
    const retry = await client.send('POST', '/information-blocks', body);
    expect(retry.body.eventId).toBe(first.body.eventId);

    await waitUntil('Niedersachsen holds the block', () => bodyIf(niedersachsen.resident(CITIZEN), blocked));
    expectWithheld((await niedersachsen.resident(CITIZEN)).body, ['address', 'movedAwayTo']);
    await waitUntil('the BZSt holds the block', () => bodyIf(federal.person(CITIZEN), blocked));
    expectWithheld((await federal.person(CITIZEN)).body, ['address']);
    expectWithheld((await osnabrueckThirdParty.resident(CITIZEN)).body, ['address']);
    expect((await osnabrueck.resident(CITIZEN)).body).toMatchObject({ address: osnabrueckAddress, informationBlock: { kind: 'AUSKUNFTSSPERRE', addressWithheld: false } });

    const history = await osnabrueck.send('GET', `/information-blocks/${CITIZEN}`);
    expect(history.body.audit).toEqual([expect.objectContaining({ action: 'SET', kind: 'AUSKUNFTSSPERRE', reasonCategory: 'DANGER_TO_LIFE_OR_HEALTH', agency: 'buergeramt-osnabrueck' })]);
  });

  it('moves the citizen to Dresden: Dresden, Sachsen, Niedersachsen and the BZSt hold the block, and no read gives a third party the address', async () => {
    const moved = await dresden.registerResidence({ ...citizen, address: dresdenAddress, movedInOn: '2026-05-02', previousAddress: osnabrueckAddress });
    expect(moved.status).toBe(201);

    await waitUntil('Dresden holds the block from the Rückmeldung', () => bodyIf(dresdenThirdParty.resident(CITIZEN), blocked));
    await waitUntil('Sachsen holds the citizen with the block', () => bodyIf(sachsen.resident(CITIZEN), blocked));
    await waitUntil('Niedersachsen marks the move away', () => bodyIf(niedersachsen.resident(CITIZEN), (body) => body.status === 'MOVED_AWAY'));
    await waitUntil('Osnabrück marks the move out', () => bodyIf(osnabrueck.resident(CITIZEN), (body) => body.status === 'MOVED_OUT'));

    expectWithheld((await dresdenThirdParty.resident(CITIZEN)).body, ['address']);
    expectWithheld((await sachsen.resident(CITIZEN)).body, ['address']);
    expectWithheld((await niedersachsen.resident(CITIZEN)).body, ['address', 'movedAwayTo']);
    expectWithheld((await federal.person(CITIZEN)).body, ['address']);
    // The former residence would name the municipality moved to: that is withheld too.
    expectWithheld((await osnabrueckThirdParty.resident(CITIZEN)).body, ['address', 'movedOutTo']);
    for (const list of [await dresdenThirdParty.residents(), await sachsen.residents(), await niedersachsen.residents(), await osnabrueckThirdParty.residents()]) {
      const entry = list.body.residents.find((resident) => resident.idnr === CITIZEN);
      expectWithheld(entry!, ['address']);
    }
    expect((await dresden.resident(CITIZEN)).body).toMatchObject({ address: dresdenAddress, informationBlock: { addressWithheld: false } });
    // No register answers any third party with the new street.
    for (const response of [await dresdenThirdParty.resident(CITIZEN), await sachsen.resident(CITIZEN), await niedersachsen.resident(CITIZEN), await federal.person(CITIZEN), await osnabrueckThirdParty.resident(CITIZEN)]) {
      expect(JSON.stringify(response.body)).not.toContain('Königsbrücker');
    }
  });

  it('lifts the block at Dresden, not at Osnabrück any more; every read gives the address again', async () => {
    const atOldResidence = await osnabrueck.send('POST', `/information-blocks/${CITIZEN}/lift`, { kind: 'AUSKUNFTSSPERRE' });
    expect(atOldResidence).toMatchObject({ status: 409, body: { code: 'not-resident' } });
    const lifted = await dresden.withIdempotencyKey(randomUUID()).send('POST', `/information-blocks/${CITIZEN}/lift`, { kind: 'AUSKUNFTSSPERRE' });
    expect(lifted).toMatchObject({ status: 200, body: { informationBlock: { kind: null } } });

    await waitUntil('Dresden gives the address again', () => bodyIf(dresdenThirdParty.resident(CITIZEN), (body) => body.informationBlock === null));
    expect((await dresdenThirdParty.resident(CITIZEN)).body).toMatchObject({ address: dresdenAddress });
    await waitUntil('Sachsen gives the address again', () => bodyIf(sachsen.resident(CITIZEN), (body) => body.informationBlock === null));
    expect((await sachsen.resident(CITIZEN)).body).toMatchObject({ address: dresdenAddress });
    await waitUntil('the BZSt gives the address again', () => bodyIf(federal.person(CITIZEN), (body) => body.informationBlock === null));
    expect((await federal.person(CITIZEN)).body).toMatchObject({ address: dresdenAddress });
    await waitUntil('Niedersachsen gives the last address again', () => bodyIf(niedersachsen.resident(CITIZEN), (body) => body.informationBlock === null));
    expect((await niedersachsen.resident(CITIZEN)).body).toMatchObject({ address: osnabrueckAddress, movedAwayTo: DRESDEN });
    await waitUntil('Osnabrück gives the address again', () => bodyIf(osnabrueckThirdParty.resident(CITIZEN), (body) => body.informationBlock === null));
    expect((await osnabrueckThirdParty.resident(CITIZEN)).body).toMatchObject({ address: osnabrueckAddress, movedOutTo: DRESDEN });

    const history = await dresden.send('GET', `/information-blocks/${CITIZEN}`);
    expect(history.body.audit).toEqual([expect.objectContaining({ action: 'LIFTED', kind: 'AUSKUNFTSSPERRE', agency: 'buergeramt-dresden' })]);
  });

  it('withholds an address moved in from elsewhere until the previous Meldebehörde answers (Hannover, not running here, never does)', async () => {
    const neighbour = { ...citizen, idnr: NEIGHBOUR, givenNames: 'Jonas', sex: 'MALE' };
    expect((await dresden.registerResidence({ ...neighbour, address: dresdenAddress, movedInOn: '2026-05-02', previousAddress: hannoverAddress })).status).toBe(201);
    const mirror = await waitUntil('Sachsen holds the neighbour', () => bodyIf(sachsen.resident(NEIGHBOUR)));
    for (const body of [mirror, (await dresdenThirdParty.resident(NEIGHBOUR)).body]) {
      expect(body).toMatchObject({ address: null, informationBlock: { kind: null, awaitingRueckmeldung: true, addressWithheld: true } });
    }
    expect((await dresden.resident(NEIGHBOUR)).body).toMatchObject({ address: dresdenAddress, informationBlock: { awaitingRueckmeldung: true, addressWithheld: false } });
    // The BZSt holds every block by IdNr already, so it has nothing to await.
    await waitUntil('the BZSt has the address', () => bodyIf(federal.person(NEIGHBOUR), (body) => body.informationBlock === null && (body.address as Body | null)?.city === 'Dresden'));
  });
});

function blocked(body: Body): boolean {
  return (body.informationBlock as Body | null)?.kind === 'AUSKUNFTSSPERRE';
}

function expectWithheld(body: Body, fields: string[]): void {
  expect(body.informationBlock).toMatchObject({ kind: 'AUSKUNFTSSPERRE', addressWithheld: true, legalBasis: expect.stringContaining('§ 51 Abs. 1 BMG') });
  for (const field of fields) expect({ field, value: body[field] }).toEqual({ field, value: null });
}

async function bodyIf(response: Promise<AgencyResponse>, condition: (body: Body) => boolean = () => true): Promise<Body | undefined> {
  const { status, body } = await response;
  return status === 200 && condition(body) ? body : undefined;
}

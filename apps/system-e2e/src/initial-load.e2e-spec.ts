import { randomBytes, randomUUID } from 'node:crypto';
import { AgencyClient } from '@regsync/local-stack/agency-client';
import { loadTopology, randomPortOffset, type Topology } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { INITIAL_LOAD_MAX_BATCH } from '@regsync/apps/municipal-register/src/residents/initial-load.request';
import { E2eStack } from './support/e2e-stack';

jest.setTimeout(180_000);

const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const local = loadTopology();
const osnabrueckPort = local.instances.find((instance) => instance.instanceKey === OSNABRUECK)!.port;
/** Osnabrück and Hannover in one provider process, as a Meldewesen provider hosts them; the Land and the BZSt apart. */
const topology: Topology = { ...local, providers: [{ id: OSNABRUECK, app: 'municipal-register', port: osnabrueckPort, authorities: [OSNABRUECK, HANNOVER] }] };
const running = new Set([OSNABRUECK, HANNOVER, '03', 'DE']);

const residentOf = (idnr: string, municipalityKey = OSNABRUECK) => ({
  idnr,
  familyName: 'Lange',
  givenNames: 'Jörg',
  sex: 'MALE',
  dateOfBirth: '1961-11-02',
  address: { street: 'Lotter Straße', houseNumber: String(1 + (Number(idnr.slice(-3)) % 90)), postalCode: '49078', city: 'Osnabrück', municipalityKey },
  movedInOn: '1999-07-01',
  previousAddress: null,
});

describe('initial load of a Melderegister (POST /residences/initial-load), end to end on the real broker and database', () => {
  const namespace = `load${randomBytes(3).toString('hex')}`;
  let e2e: E2eStack;
  let osnabrueck: AgencyClient;
  let hannover: AgencyClient;

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, { portOffset: randomPortOffset(1000, 20), topology, instances: (instance) => running.has(instance.instanceKey) });
    osnabrueck = AgencyClient.of(e2e.stack, 'municipal-register', OSNABRUECK);
    hannover = AgencyClient.of(e2e.stack, 'municipal-register', HANNOVER);
  }, 240_000);

  afterAll(() => e2e?.stop(), 120_000);

  const heldIn = async (level: 'municipal' | 'state' | 'federal', instanceKey: string, table: string, idnrs: readonly string[]) =>
    (await e2e.query(level, instanceKey, `select idnr, count(*)::int as n from ${table} where idnr = any($1::text[]) group by idnr`, [idnrs])) as { idnr: string; n: number }[];

  const outboxRowsOf = (correlationId: string) => e2e.query('municipal', OSNABRUECK, 'select event_id from regsync_outbox where headers::text like $1', [`%${correlationId}%`]);

  it('registers a full batch in one call, and every person reaches the Land and the BZSt exactly once, each transfer logged once', async () => {
    const idnrs = [...new Set(Array.from({ length: INITIAL_LOAD_MAX_BATCH }, () => generateIdnr()))];
    const correlationId = `initial-load-${randomUUID()}`;

    const answer = await osnabrueck.loadInitially({ residents: idnrs.map((idnr) => residentOf(idnr)) }, correlationId);

    expect(answer.status).toBe(201);
    expect(answer.body.loaded).toBe(idnrs.length);
    expect(await outboxRowsOf(correlationId)).toHaveLength(idnrs.length);
    const everyoneOnce = (rows: { idnr: string; n: number }[]) => (rows.length === idnrs.length ? rows : undefined);
    const land = await waitUntil('Niedersachsen holds every loaded person', async () => everyoneOnce(await heldIn('state', '03', 'state_residents', idnrs)), 120_000, 500);
    const federal = await waitUntil('the BZSt holds every loaded person', async () => everyoneOnce(await heldIn('federal', 'DE', 'idnr_base_data', idnrs)), 120_000, 500);
    expect([...land, ...federal].every((row) => row.n === 1)).toBe(true);
    expect((await heldIn('municipal', OSNABRUECK, 'residents', idnrs)).every((row) => row.n === 1)).toBe(true);
    expect(await heldIn('municipal', HANNOVER, 'residents', idnrs)).toEqual([]);
    const transfers = async (level: 'state' | 'federal', instanceKey: string) =>
      (await e2e.query(level, instanceKey, 'select count(*)::int as n, count(distinct event_id)::int as events from transfer_log where correlation_id = $1', [correlationId]))[0];
    expect(await transfers('state', '03')).toEqual({ n: idnrs.length, events: idnrs.length });
    expect(await transfers('federal', 'DE')).toEqual({ n: idnrs.length, events: idnrs.length });
  });

  it('refuses a batch with one bad person with 400 naming its index, field and rule, and writes nothing of it', async () => {
    const idnrs = [generateIdnr(), generateIdnr(), generateIdnr()];
    const bad = [residentOf(idnrs[0]), residentOf(idnrs[1]), { ...residentOf(idnrs[2]), address: { ...residentOf(idnrs[2]).address, postalCode: '00000' } }];
    const correlationId = `initial-load-refused-${randomUUID()}`;

    const answer = await osnabrueck.loadInitially({ residents: bad }, correlationId);

    expect(answer.status).toBe(400);
    expect(answer.body.violations).toEqual([{ field: 'residents.2.address.postalCode', rule: expect.stringMatching(/not a German postal code/) }]);
    expect(await heldIn('municipal', OSNABRUECK, 'residents', idnrs)).toEqual([]);
    expect(await outboxRowsOf(correlationId)).toEqual([]);
  });

  it('refuses a batch naming a person the register holds or one given twice, and writes none of the others', async () => {
    const [held] = (await e2e.query('municipal', OSNABRUECK, 'select idnr from residents limit 1')) as { idnr: string }[];
    const fresh = generateIdnr();

    const withHeld = await osnabrueck.loadInitially({ residents: [residentOf(fresh), residentOf(held.idnr)] });
    const twice = await osnabrueck.loadInitially({ residents: [residentOf(fresh), residentOf(fresh)] });

    expect(withHeld.status).toBe(400);
    expect(withHeld.body.violations).toEqual([{ field: 'residents.1.idnr', rule: expect.stringMatching(/already in this Melderegister/) }]);
    expect(twice.status).toBe(400);
    expect(twice.body.violations).toEqual([{ field: 'residents.1.idnr', rule: 'is given twice in this batch (also at residents.0)' }]);
    expect(await heldIn('municipal', OSNABRUECK, 'residents', [fresh])).toEqual([]);
  });

  it("refuses another hosted municipality's key for Osnabrück's persons, a key of no agency, and the read-only cockpit agency", async () => {
    const idnr = generateIdnr();

    const byHannover = await hannover.loadInitially({ residents: [residentOf(idnr)] });
    const byNobody = await osnabrueck.withApiKey('not-a-key-of-anyone').loadInitially({ residents: [residentOf(idnr)] });
    const byCockpit = await osnabrueck.withApiKey(e2e.stack.cockpitKeyOf(OSNABRUECK)).loadInitially({ residents: [residentOf(idnr)] });

    expect(byHannover.status).toBe(400);
    expect(byHannover.body.violations).toEqual([{ field: 'residents.0.address.municipalityKey', rule: `must be this municipality (${HANNOVER})` }]);
    expect(byNobody.status).toBe(401);
    expect(byCockpit.status).toBe(403);
    expect(await heldIn('municipal', OSNABRUECK, 'residents', [idnr])).toEqual([]);
    expect(await heldIn('municipal', HANNOVER, 'residents', [idnr])).toEqual([]);
  });
});

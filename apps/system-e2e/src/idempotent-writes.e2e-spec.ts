import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { databaseUrl, instanceDatabaseName } from '@regsync/persistence/databases';
import { idnrViolation } from '@regsync/register-domain/identifiers';
import { KEY_LOCK } from '@regsync/service-runtime/request-idempotency';
import { AgencyClient, type AgencyResponse, type Transfer } from '@regsync/local-stack/agency-client';
import { type LocalStack, randomPortOffset } from '@regsync/local-stack/local-stack';
import { waitUntil } from '@regsync/local-stack/wait-until';
import { DATABASE_URL, E2eStack } from './support/e2e-stack';


const OSNABRUECK = '03404000';
const DRESDEN = '14612000';
const ANNA = '36574261809';
const JONAS = '57396154059';
const PARENT = '12345678995';
const PARCEL = '14612300100013______';
const OSNABRUECK_AGENCY = 'buergeramt-osnabrueck';

const osnabrueckAddress = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };
const today = new Date().toISOString().slice(0, 10);

type Body = Record<string, unknown>;

jest.setTimeout(120_000);

describe('idempotent agency writes, end to end: every service a process on the real broker and database', () => {
  const namespace = `idem${randomBytes(3).toString('hex')}`;
  const portOffset = randomPortOffset(1000, 20);
  let e2e: E2eStack;
  let stack: LocalStack;
  let osnabrueck: AgencyClient;
  let niedersachsen: AgencyClient;
  let sachsen: AgencyClient;
  let dresden: AgencyClient;
  let federal: AgencyClient;

  beforeAll(async () => {
    e2e = await E2eStack.start(namespace, { portOffset });
    stack = e2e.stack;
    osnabrueck = AgencyClient.of(stack, 'municipal-register', OSNABRUECK);
    dresden = AgencyClient.of(stack, 'municipal-register', DRESDEN);
    niedersachsen = AgencyClient.of(stack, 'state-register', '03');
    sachsen = AgencyClient.of(stack, 'state-register', '14');
    federal = AgencyClient.of(stack, 'federal-register', 'DE');
  }, 240_000);

  afterAll(() => e2e?.stop(), 120_000);

  describe('a retry with the same Idempotency-Key answers the first answer and has no second effect', () => {
    it('Anmeldung: the residence, its event and its transfers exist once', async () => {
      const correlationId = `anmeldung-${randomUUID()}`;
      const body = { idnr: ANNA, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: '1990-03-14', address: osnabrueckAddress, movedInOn: '2018-04-01', previousAddress: null };
      const client = osnabrueck.withIdempotencyKey(randomUUID());

      const first = await client.registerResidence(body, correlationId);
      const retry = await client.registerResidence(body, correlationId);

      expectReplayed(first, retry);
      await waitUntil('Niedersachsen mirrors Anna', () => bodyIf(niedersachsen.resident(ANNA)));
      await waitUntil('the BZSt has Anna', () => bodyIf(federal.person(ANNA)));
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual(['ResidenceRegistered']);
      expect(await count('municipal', OSNABRUECK, 'select count(*) from residents where idnr = $1', [ANNA])).toBe(1);
      const transfers = await waitUntil('both transfers are in the cockpit', async () => {
        const ofAction = (await federal.cockpit(ANNA)).body.transfers.filter((transfer) => transfer.correlationId === correlationId);
        return ofAction.length >= 2 ? ofAction : undefined;
      });
      expect(transfers.map(describeTransfer).sort()).toEqual(['ResidenceRegistered → IDNR_BASISDATEN DE', 'ResidenceRegistered → LANDESMELDEREGISTER 03']);
    });

    it('birth: one child, one BirthRecorded, one IdNr request, and exactly one IdNr assigned by the BZSt', async () => {
      const correlationId = `birth-${randomUUID()}`;
      const body = { familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: today, placeOfBirth: 'Osnabrück', parentIdnrs: [PARENT], residence: osnabrueckAddress };
      const client = osnabrueck.withIdempotencyKey(randomUUID());

      const first = await client.recordBirth(body, correlationId);
      const retry = await client.recordBirth(body, correlationId);

      expectReplayed(first, retry);
      const birthRegistrationId = first.body.birthRegistrationId as string;
      const child = await waitUntil('the child has its IdNr', () => bodyIf(osnabrueck.resident(birthRegistrationId), (resident) => resident.idnr !== null));
      expect(idnrViolation(child.idnr as string)).toBeUndefined();
      await waitUntil('Niedersachsen mirrors the child', () => bodyIf(niedersachsen.resident(child.idnr as string)));
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual(['BirthRecorded', 'IdNrRequested', 'ResidenceRegistered']);
      expect(await outboxEvents('federal', 'DE', correlationId)).toEqual(['IdNrAssigned']);
      expect(await count('federal', 'DE', 'select count(*) from idnr_base_data where given_names = $1', ['Mia'])).toBe(1);
      expect(await count('municipal', OSNABRUECK, 'select count(*) from residents where given_names = $1', ['Mia'])).toBe(1);
      expect(await count('municipal', OSNABRUECK, 'select count(*) from civil_status_records where given_names = $1', ['Mia'])).toBe(1);
    });

    it('name change: one name history entry and one NameChanged', async () => {
      const correlationId = `name-${randomUUID()}`;
      const body = { idnr: ANNA, familyName: 'Schmidt-Weber', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: 'MARRIED', effectiveOn: today };
      const client = osnabrueck.withIdempotencyKey(randomUUID());

      const first = await client.recordNameChange(body, correlationId);
      const retry = await client.recordNameChange(body, correlationId);

      expectReplayed(first, retry);
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual(['NameChanged']);
      expect(historyOf((await osnabrueck.civilStatus(ANNA)).body)).toEqual(['MARRIAGE Schmidt-Weber']);
      await waitUntil('the BZSt has the new name', () => bodyIf(federal.person(ANNA), (person) => person.familyName === 'Schmidt-Weber'));
    });

    it('parcel: the Flurstück is recorded once (a second effect would be a ParcelChanged)', async () => {
      const correlationId = `parcel-${randomUUID()}`;
      const body = { parcelId: PARCEL, municipalityKey: DRESDEN, areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [ANNA] };
      const client = sachsen.withIdempotencyKey(randomUUID());

      const first = await client.recordParcel(body, correlationId);
      const retry = await client.recordParcel(body, correlationId);

      expectReplayed(first, retry);
      expect(first.body.eventType).toBe('ParcelRecorded');
      expect(await outboxEvents('state', '14', correlationId)).toEqual(['ParcelRecorded']);
      await waitUntil('Dresden has the parcel in its roll', () => bodyIf(dresden.propertyTax(PARCEL)));
    });

    it('after a restart of the instance: the retry is answered from its database', async () => {
      const correlationId = `restart-${randomUUID()}`;
      const body = { idnr: ANNA, familyName: 'Schmidt', givenNames: 'Anna', reason: 'DIVORCE', maritalStatus: 'DIVORCED', effectiveOn: today };
      const client = osnabrueck.withIdempotencyKey(randomUUID());
      const first = await client.recordNameChange(body, correlationId);

      await stack.restart(`municipal ${OSNABRUECK}`);
      const retry = await client.recordNameChange(body, correlationId);

      expectReplayed(first, retry);
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual(['NameChanged']);
      expect(historyOf((await osnabrueck.civilStatus(ANNA)).body)).toEqual(['MARRIAGE Schmidt-Weber', 'DIVORCE Schmidt']);
    });

    it('two requests with one key at the same moment on two replicas of the instance: one effect, the other answered 409 or replayed', async () => {
      const replica = osnabrueck.at(await stack.startReplica(`municipal ${OSNABRUECK}`, stack.instance('municipal-register', OSNABRUECK).port + portOffset + 5));
      const correlationId = `replicas-${randomUUID()}`;
      const body = { idnr: JONAS, familyName: 'Becker', givenNames: 'Jonas', sex: 'MALE', dateOfBirth: '1985-07-01', address: osnabrueckAddress, movedInOn: '2020-02-01', previousAddress: null };
      const key = randomUUID();

      const answers = await Promise.all([osnabrueck.withIdempotencyKey(key).registerResidence(body, correlationId), replica.withIdempotencyKey(key).registerResidence(body, correlationId)]);

      const created = answers.filter((answer) => answer.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const refused of answers.filter((answer) => answer.status !== 201)) expect(refused).toMatchObject({ status: 409, body: { code: 'idempotency-key-in-flight' } });
      const retryOnReplica = await replica.withIdempotencyKey(key).registerResidence(body, correlationId);
      expect(retryOnReplica.status).toBe(201);
      expect(retryOnReplica.body).toEqual(created[0].body);
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual(['ResidenceRegistered']);
      expect(await count('municipal', OSNABRUECK, 'select count(*) from residents where idnr = $1', [JONAS])).toBe(1);
    });

    it('death: the retry is answered 201 from the store, not 409 for a second death', async () => {
      const correlationId = `death-${randomUUID()}`;
      const body = { idnr: JONAS, dateOfDeath: today, placeOfDeath: 'Osnabrück' };
      const client = osnabrueck.withIdempotencyKey(randomUUID());

      const first = await client.recordDeath(body, correlationId);
      const retry = await client.recordDeath(body, correlationId);

      expectReplayed(first, retry);
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual(['DeathRecorded']);
      const withoutKey = await osnabrueck.recordDeath(body);
      expect(withoutKey).toMatchObject({ status: 409, body: { code: 'subject-deceased' } });
    });
  });

  describe('keys that cannot be honoured', () => {
    it('answers 409 while a request with the key is in flight, and keeps the key free for it', async () => {
      const key = randomUUID();
      const correlationId = `in-flight-${randomUUID()}`;
      const body = { idnr: ANNA, familyName: 'Schmidt', givenNames: 'Anna', reason: 'NAME_DECLARATION', maritalStatus: null, effectiveOn: today };
      const [database, close] = await connect(instanceDatabaseName('municipal', OSNABRUECK, namespace));
      try {
        // What the first request's transaction holds while it runs.
        await database.query(`select pg_advisory_lock(${KEY_LOCK})`, [OSNABRUECK_AGENCY, key]);
        const refused = await osnabrueck.withIdempotencyKey(key).recordNameChange(body, correlationId);
        expect(refused).toMatchObject({ status: 409, body: { code: 'idempotency-key-in-flight' } });
        expect(refused.body.error).toMatch(/^Idempotency-Key: a request with this key is still being processed/);
      } finally {
        await close();
      }
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual([]);
      const later = await osnabrueck.withIdempotencyKey(key).recordNameChange(body, correlationId);
      expect(later.status).toBe(201);
      expect(later.headers.get('idempotency-replayed')).toBeNull();
    });

    it('refuses the key with another body or on another endpoint with 422, and writes nothing', async () => {
      const key = randomUUID();
      const correlationId = `reused-${randomUUID()}`;
      const client = osnabrueck.withIdempotencyKey(key);
      const body = { idnr: ANNA, familyName: 'Schmidt', givenNames: 'Anna Maria', reason: 'NAME_DECLARATION', maritalStatus: null, effectiveOn: today };
      expect((await client.recordNameChange(body, correlationId)).status).toBe(201);

      const otherBody = await client.recordNameChange({ ...body, givenNames: 'Anna Luise' }, correlationId);
      const otherEndpoint = await client.recordDeath({ idnr: ANNA, dateOfDeath: today, placeOfDeath: 'Osnabrück' }, correlationId);

      for (const refused of [otherBody, otherEndpoint]) expect(refused).toMatchObject({ status: 422, body: { code: 'idempotency-key-reused' } });
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual(['NameChanged']);
      expect((await osnabrueck.civilStatus(ANNA)).body).toMatchObject({ givenNames: 'Anna Maria', status: 'ALIVE' });
    });

    it('refuses an empty, too long or non-printable key with 400 naming the header, and writes nothing', async () => {
      const correlationId = `malformed-${randomUUID()}`;
      const body = { idnr: ANNA, familyName: 'Schmidt', givenNames: 'Anna', reason: 'NAME_DECLARATION', maritalStatus: null, effectiveOn: today };
      for (const key of ['', 'k'.repeat(256), 'schl\u00fcssel']) {
        const refused = await osnabrueck.withIdempotencyKey(key).recordNameChange(body, correlationId);
        expect(refused.status).toBe(400);
        expect(refused.body.violations).toEqual([{ field: 'Idempotency-Key', rule: expect.any(String) }]);
      }
      expect(await outboxEvents('municipal', OSNABRUECK, correlationId)).toEqual([]);
    });
  });

  describe('a birth without a key, numbered by the Standesamt', () => {
    it('is recorded once: the same registration number again, even at the same moment, is refused with 409 and requests no second IdNr', async () => {
      const birthRegistrationId = `${OSNABRUECK}-G-2026-900001`;
      const body = { birthRegistrationId, familyName: 'Wolf', givenNames: 'Lena', sex: 'FEMALE', dateOfBirth: today, placeOfBirth: 'Osnabrück', parentIdnrs: [PARENT], residence: osnabrueckAddress };

      const together = await Promise.all([osnabrueck.recordBirth(body), osnabrueck.recordBirth(body)]);
      const later = await osnabrueck.recordBirth(body);

      expect(together.map((answer) => answer.status).sort()).toEqual([201, 409]);
      for (const refused of [...together.filter((answer) => answer.status === 409), later]) {
        expect(refused).toMatchObject({ status: 409, body: { code: 'birth-already-recorded', error: expect.stringContaining(birthRegistrationId) } });
      }
      expect(together.find((answer) => answer.status === 201)?.body.birthRegistrationId).toBe(birthRegistrationId);
      await waitUntil('the child has its IdNr', () => bodyIf(osnabrueck.resident(birthRegistrationId), (resident) => resident.idnr !== null));
      expect(await count('municipal', OSNABRUECK, `select count(*) from regsync_outbox where event_type = 'IdNrRequested' and record_key = $1`, [birthRegistrationId])).toBe(1);
      expect(await count('federal', 'DE', `select count(*) from regsync_outbox where event_type = 'IdNrAssigned' and record_key = $1`, [birthRegistrationId])).toBe(1);
      expect(await count('municipal', OSNABRUECK, 'select count(*) from residents where given_names = $1', ['Lena'])).toBe(1);
    });

    it('numbers its own births past the numbers the Standesamt sent', async () => {
      const [{ last_value: last }] = await e2e.query('municipal', OSNABRUECK, 'select case when is_called then last_value else last_value - 1 end as last_value from birth_registration_sequence', []);
      const year = new Date().getUTCFullYear();
      const numberOf = (sequence: number) => `${OSNABRUECK}-G-${year}-${String(sequence).padStart(6, '0')}`;
      const child = { familyName: 'Wolf', givenNames: 'Emil', sex: 'MALE', dateOfBirth: today, placeOfBirth: 'Osnabrück', residence: osnabrueckAddress };
      expect((await osnabrueck.recordBirth({ ...child, birthRegistrationId: numberOf(Number(last) + 1) })).status).toBe(201);

      const numberedByRegsync = await osnabrueck.recordBirth({ ...child, givenNames: 'Ida' });

      expect(numberedByRegsync).toMatchObject({ status: 201, body: { birthRegistrationId: numberOf(Number(last) + 2) } });
    });

    it("refuses another Standesamt's registration number with 400", async () => {
      const refused = await osnabrueck.recordBirth({ birthRegistrationId: `${DRESDEN}-G-2026-000001`, familyName: 'Wolf', givenNames: 'Paul', sex: 'MALE', dateOfBirth: today, placeOfBirth: 'Osnabrück', residence: osnabrueckAddress });
      expect(refused).toMatchObject({ status: 400, body: { violations: [{ field: 'birthRegistrationId', rule: `must start with this Standesamt's AGS ${OSNABRUECK}` }] } });
    });
  });

  it("documents the Idempotency-Key header and the 422 answer on every agency write endpoint of the OpenAPI documents (an operator's /ops decision is none)", async () => {
    const writes: string[] = [];
    for (const client of [osnabrueck, sachsen]) {
      const document = (await (await fetch(`${client.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { parameters?: Body[]; responses: Body }>> };
      for (const [path, operations] of Object.entries(document.paths)) {
        if (path.startsWith('/ops/')) continue;
        for (const [method, operation] of Object.entries(operations).filter(([method]) => ['post', 'put', 'patch', 'delete'].includes(method))) {
          writes.push(`${method.toUpperCase()} ${path}`);
          expect(operation.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false })]));
          expect(operation.responses).toHaveProperty('422');
        }
      }
    }
    expect(writes.sort()).toEqual(['POST /births', 'POST /deaths', 'POST /information-blocks', 'POST /information-blocks/{idnr}/lift', 'POST /name-changes', 'POST /parcels', 'POST /residences', 'POST /residences/initial-load', 'POST /secondary-residences', 'POST /secondary-residences/{idnr}/move-out']);
  });

  async function connect(database: string): Promise<[Client, () => Promise<void>]> {
    const client = new Client({ connectionString: databaseUrl(DATABASE_URL, database) });
    await client.connect();
    return [client, () => client.end()];
  }

  async function count(level: 'municipal' | 'state' | 'federal', instanceKey: string, sql: string, parameters: unknown[]): Promise<number> {
    const [row] = await e2e.query(level, instanceKey, sql, parameters);
    return Number(row.count);
  }

  /** The event types an instance wrote for one citizen action, in outbox order. */
  async function outboxEvents(level: 'municipal' | 'state' | 'federal', instanceKey: string, correlationId: string): Promise<string[]> {
    const rows = await e2e.query(level, instanceKey, `select event_type from regsync_outbox where headers->>'regsync-correlation-id' = $1 order by id`, [correlationId]);
    return rows.map((row) => row.event_type as string);
  }
});

function expectReplayed(first: AgencyResponse, retry: AgencyResponse): void {
  expect(first.status).toBe(201);
  expect(first.headers.get('idempotency-replayed')).toBeNull();
  expect(retry.status).toBe(201);
  expect(retry.headers.get('idempotency-replayed')).toBe('true');
  expect(JSON.stringify(retry.body)).toBe(JSON.stringify(first.body));
}

function historyOf(record: Body): string[] {
  return (record.nameHistory as Body[]).map((entry) => `${String(entry.reason)} ${String(entry.familyName)}`);
}

function describeTransfer(transfer: Transfer): string {
  return `${transfer.eventType} → ${transfer.recipient.register} ${transfer.recipient.instanceKey}`;
}

async function bodyIf(response: Promise<{ status: number; body: Body }>, condition: (body: Body) => boolean = () => true): Promise<Body | undefined> {
  const { status, body } = await response;
  return status === 200 && condition(body) ? body : undefined;
}

import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runAsAuthority, AuthorityDatabase, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { httpErrorOf, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import { RequestTransaction } from '@regsync/service-runtime/request-idempotency';
import { municipalMigrations } from '../municipal-register.module';
import { moveOutOfSecondaryResidenceRequest } from './move-out-of-secondary-residence.request';
import { registerSecondaryResidenceRequest } from './register-secondary-residence.request';
import { SecondaryResidencesService } from './secondary-residences.service';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const dwelling = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK };

describe('Nebenwohnungen of the municipal register (real PostgreSQL)', () => {
  const name = `regsync_test_secondary_${randomBytes(4).toString('hex')}`;
  const pipe = new ZodBodyPipe(registerSecondaryResidenceRequest);
  const moveOutPipe = new ZodBodyPipe(moveOutOfSecondaryResidenceRequest);
  let dataSource: DataSource;
  let service: SecondaryResidencesService;
  /** The request as the API runs it: body through the pipe, as the hosted authority of the agency's key; errors as the HTTP answer. */
  const post = (authority: string, body: unknown) =>
    runAsAuthority(authority, async () => service.register(pipe.transform(body), 'buergeramt')).then(
      (residence) => ({ status: 201, body: residence as unknown }),
      (error: unknown) => httpErrorOf(error),
    );

  const moveOut = (authority: string, idnr: string, body: unknown) =>
    runAsAuthority(authority, async () => service.moveOut(idnr, moveOutPipe.transform(body), 'buergeramt-nord')).then(
      (residence) => ({ status: 200, body: residence as unknown }),
      (error: unknown) => httpErrorOf(error),
    );
  const rowsOf = (idnr: string) => dataSource.query('select dwelling, moved_out_on::text, moved_out_by from secondary_residences where idnr = $1 order by dwelling', [idnr]);

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: municipalMigrations, migrationsRun: true, extra: { max: 2, options: `-c regsync.instance_key=${OSNABRUECK}` } }).initialize();
    await ensureAuthorityRoles(dataSource, name, [OSNABRUECK, HANNOVER]);
    const database = new AuthorityDatabase(dataSource, name);
    service = new SecondaryResidencesService(database, new RequestTransaction(database));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  it('registers a Nebenwohnung and lists it for the municipality that holds it, by IdNr', async () => {
    const idnr = generateIdnr();
    await expect(post(OSNABRUECK, { idnr, address: dwelling, movedInOn: '2026-11-01' })).resolves.toMatchObject({ status: 201, body: { idnr, movedInOn: '2026-11-01', movedOutOn: null, registeredBy: 'buergeramt' } });
    await expect(post(OSNABRUECK, { idnr, address: { ...dwelling, street: 'Große  Straße', houseNumber: '14' }, movedInOn: '2026-11-02' })).resolves.toMatchObject({ status: 201 });
    const listed = await runAsAuthority(OSNABRUECK, () => service.of(idnr));
    expect(listed.map(({ address }) => address.houseNumber).sort()).toEqual(['12', '14']);
    await expect(runAsAuthority(HANNOVER, () => service.of(idnr))).resolves.toEqual([]);
    expect(await dataSource.query('select authority_key, count(*)::int as count from secondary_residences where idnr = $1 group by authority_key', [idnr])).toEqual([{ authority_key: OSNABRUECK, count: 2 }]);
  });

  it('refuses bad input with 400 naming field and rule, and writes nothing', async () => {
    const idnr = generateIdnr();
    await expect(post(OSNABRUECK, { idnr: '12345678901', address: dwelling, movedInOn: '2026-11-01' })).resolves.toMatchObject({ status: 400, body: { violations: [{ field: 'idnr', rule: expect.stringMatching(/digit repetition/) }] } });
    await expect(post(OSNABRUECK, { idnr, address: dwelling, movedInOn: '2999-01-01' })).resolves.toMatchObject({ status: 400, body: { violations: [{ field: 'movedInOn', rule: expect.stringMatching(/future/) }] } });
    await expect(post(OSNABRUECK, { idnr, address: { ...dwelling, postalCode: '4907' } })).resolves.toMatchObject({ status: 400, body: { violations: expect.arrayContaining([{ field: 'movedInOn', rule: 'is required' }]) } });
    await expect(post(HANNOVER, { idnr, address: dwelling, movedInOn: '2026-11-01' })).resolves.toEqual({
      status: 400,
      body: { error: 'invalid request', violations: [{ field: 'address.municipalityKey', rule: 'must be this municipality (03241001): a Nebenwohnung is registered where it lies' }] },
    });
    await post(OSNABRUECK, { idnr, address: dwelling, movedInOn: '2026-11-01' });
    await expect(post(OSNABRUECK, { idnr, address: { ...dwelling, street: 'GROSSE STRASSE' }, movedInOn: '2026-11-03' })).resolves.toMatchObject({ status: 201 });
    await expect(post(OSNABRUECK, { idnr, address: { ...dwelling, street: 'große straße' }, movedInOn: '2026-11-03' })).resolves.toMatchObject({
      status: 400,
      body: { violations: [{ field: 'address', rule: 'is a Nebenwohnung of this person since 2026-11-01 already' }] },
    });
    expect(await dataSource.query('select count(*)::int as count from secondary_residences where idnr = $1', [idnr])).toEqual([{ count: 2 }]);
  });

  it('ends a Nebenwohnung on the day moved out (Abmeldung), with who ended it; the other dwelling stays current', async () => {
    const idnr = generateIdnr();
    await post(OSNABRUECK, { idnr, address: dwelling, movedInOn: '2026-11-01' });
    await post(OSNABRUECK, { idnr, address: { ...dwelling, houseNumber: '14' }, movedInOn: '2026-11-01' });
    await expect(moveOut(OSNABRUECK, idnr, { address: { ...dwelling, street: 'GROSSE  STRASSE' }, movedOutOn: '2026-11-30' })).resolves.toMatchObject({ status: 404 });
    await expect(moveOut(OSNABRUECK, idnr, { address: { ...dwelling, street: 'große  straße' }, movedOutOn: '2026-11-30' })).resolves.toMatchObject({
      status: 200,
      body: { idnr, movedInOn: '2026-11-01', movedOutOn: '2026-11-30', registeredBy: 'buergeramt', movedOutBy: 'buergeramt-nord' },
    });
    expect(await rowsOf(idnr)).toEqual([
      { dwelling: '49074|große straße|12', moved_out_on: '2026-11-30', moved_out_by: 'buergeramt-nord' },
      { dwelling: '49074|große straße|14', moved_out_on: null, moved_out_by: null },
    ]);
  });

  it('refuses a move out before the move in or in the future (400 naming field and rule), an unknown person or dwelling (404), one ended already (409), and writes nothing', async () => {
    const idnr = generateIdnr();
    await post(OSNABRUECK, { idnr, address: dwelling, movedInOn: '2026-11-01' });
    await expect(moveOut(OSNABRUECK, idnr, { address: dwelling, movedOutOn: '2026-10-31' })).resolves.toEqual({
      status: 400,
      body: { error: 'invalid request', violations: [{ field: 'movedOutOn', rule: 'must not be before the move in (2026-11-01)' }] },
    });
    await expect(moveOut(OSNABRUECK, idnr, { address: dwelling, movedOutOn: '2999-01-01' })).resolves.toMatchObject({ status: 400, body: { violations: [{ field: 'movedOutOn', rule: expect.stringMatching(/future/) }] } });
    await expect(moveOut(OSNABRUECK, idnr, { address: dwelling })).resolves.toMatchObject({ status: 400, body: { violations: [{ field: 'movedOutOn', rule: 'is required' }] } });
    await expect(moveOut(OSNABRUECK, generateIdnr(), { address: dwelling, movedOutOn: '2026-11-30' })).resolves.toMatchObject({ status: 404 });
    await expect(moveOut(OSNABRUECK, idnr, { address: { ...dwelling, houseNumber: '99' }, movedOutOn: '2026-11-30' })).resolves.toMatchObject({ status: 404 });
    // Another hosted municipality does not see Osnabrück's Nebenwohnung.
    await expect(moveOut(HANNOVER, idnr, { address: dwelling, movedOutOn: '2026-11-30' })).resolves.toMatchObject({ status: 404 });
    expect(await rowsOf(idnr)).toEqual([{ dwelling: '49074|große straße|12', moved_out_on: null, moved_out_by: null }]);

    await expect(moveOut(OSNABRUECK, idnr, { address: dwelling, movedOutOn: '2026-11-30' })).resolves.toMatchObject({ status: 200 });
    await expect(moveOut(OSNABRUECK, idnr, { address: dwelling, movedOutOn: '2026-12-01' })).resolves.toMatchObject({ status: 409, body: { code: 'moved-out-already' } });
    expect(await rowsOf(idnr)).toEqual([{ dwelling: '49074|große straße|12', moved_out_on: '2026-11-30', moved_out_by: 'buergeramt-nord' }]);
  });
});

import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { MovedOut, RegsyncEvent, ResidenceRegistered } from '@regsync/contracts/generated/events';
import type { EntityManager } from 'typeorm';
import { sampleEvent } from '@regsync/contracts/sample-events';
import { RegsyncBatchContext, RegsyncEventContext } from '@regsync/messaging/register-messaging';
import { runAsAuthority, AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { AdmittedTransferHandler, transferAdmission, TransferLog, transferLogEntities, transferLogMigrations } from '@regsync/data-protection/transfers';
import { informationBlockMigrations } from '@regsync/data-protection/information-block-handling';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { DRESDEN, HANNOVER, OSNABRUECK, ResidenceRegistrations, registration } from '@regsync/data-protection-testing/residence-registrations';
import { StateResidentEventsHandler } from './state-resident-events.handler';
import { StateResidentsDwellingStatus1760000710000 } from './state-residents-dwelling-status.migration';
import { StateResidentsFormerResident1760000420000 } from './state-residents-former-resident.migration';
import { StateResidentsTable1760000400000 } from './state-residents.migration';
import { ParcelsTable1760000410000 } from '../parcels/parcels.migration';
import { StateAuthorityKeys1760000820000 } from '../state-authority-keys.migration';
import { StateResidentsService, type StateResidentEvent } from './state-residents.service';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const LAND = '03';
const admitDelivery = transferAdmission('STATE');
const admit = (event: RegsyncEvent) => admitDelivery(event, { topic: `regsync.deliveries.state-register.${LAND}`, recipientRegister: 'LANDESMELDEREGISTER' });

describe('the Landesmelderegister applying a batch of registrations', () => {
  const name = `regsync_test_state_batch_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;
  let registrations: ResidenceRegistrations;
  let handler: StateResidentEventsHandler;
  let database: AuthorityDatabase;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({
      type: 'postgres',
      url: databaseUrl(serverUrl, name),
      entities: transferLogEntities,
      migrations: [...transferLogMigrations, StateResidentsTable1760000400000, StateResidentsFormerResident1760000420000, ...informationBlockMigrations, StateResidentsDwellingStatus1760000710000, ParcelsTable1760000410000, StateAuthorityKeys1760000820000],
      migrationsRun: true,
    }).initialize();
    database = new AuthorityDatabase(dataSource, name);
    const transfers = new AdmittedTransferHandler(new TransferLog(database));
    handler = new StateResidentEventsHandler(new StateResidentsService(database, transfers));
    registrations = await ResidenceRegistrations.of(dataSource, name, LAND, { onResidencesRegistered: (events, context) => handler.onResidentEvents(events, context) }, admit);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  /**
   * Registrations in and out of the Land, several of one person (the last one a late registration of an older move),
   * and the move away of someone whose registration in the Land has not arrived. Hannover is the mover's Nebenwohnung.
   * Two arrive from Sachsen, so the mirror awaits Dresden's Rückmeldung; one of them moves back, which ends the wait.
   */
  function moves([mover, stayer, leaver, arriver, returner]: string[]): ResidenceRegistered[] {
    return [
      registration(mover, OSNABRUECK, '2018-04-01'),
      registration(stayer, OSNABRUECK, '2019-01-01'),
      registration(arriver, OSNABRUECK, '2025-05-01', DRESDEN),
      registration(returner, HANNOVER, '2025-06-01', DRESDEN),
      { ...registration(mover, HANNOVER, '2024-02-01', OSNABRUECK), dwellingStatus: 'NEBENWOHNUNG' },
      registration(leaver, DRESDEN, '2024-03-01', HANNOVER),
      registration(mover, DRESDEN, '2026-11-01', HANNOVER),
      registration(returner, DRESDEN, '2026-02-01', HANNOVER),
      registration(mover, OSNABRUECK, '2020-01-01'),
    ];
  }

  async function stateOf(idnrs: string[]) {
    const rows = (await dataSource.query(
      `select family_name, given_names, sex, date_of_birth::text, address, dwelling_status, moved_in_on::text, status, moved_away_to, moved_away_on::text, marital_status, date_of_death::text
         from state_residents where idnr = any($1) order by array_position($1, idnr)`,
      [idnrs],
    )) as unknown[];
    const waits = (await dataSource.query(
      'select awaiting_rueckmeldung_from from information_blocks where idnr = any($1) order by array_position($1, idnr)',
      [idnrs],
    )) as unknown[];
    return { rows, waits, log: await registrations.transferLogOf(idnrs) };
  }

  it('stores and logs the same as one event at a time (a batch of one), each event of a person applied to the result of the one before', async () => {
    const single = Array.from({ length: 5 }, () => generateIdnr());
    const batched = Array.from({ length: 5 }, () => generateIdnr());
    await registrations.applyOneAtATime(moves(single));
    await registrations.applyAsBatch(moves(batched));

    const expected = await stateOf(single);
    expect(expected.rows).toEqual([
      expect.objectContaining({ status: 'MOVED_AWAY', address: HANNOVER, dwelling_status: 'NEBENWOHNUNG', moved_away_to: '14612000', moved_away_on: '2026-11-01' }),
      expect.objectContaining({ status: 'RESIDENT', address: OSNABRUECK, dwelling_status: 'HAUPTWOHNUNG' }),
      expect.objectContaining({ status: 'MOVED_AWAY', address: HANNOVER, dwelling_status: null, moved_in_on: null, moved_away_to: '14612000', moved_away_on: '2024-03-01' }),
      expect.objectContaining({ status: 'RESIDENT', address: OSNABRUECK }),
      expect.objectContaining({ status: 'MOVED_AWAY', address: HANNOVER, moved_away_to: '14612000' }),
    ]);
    // The arriver's address is withheld until Dresden answers; the returner's wait ended with the move back.
    expect(expected.waits).toEqual([{ awaiting_rueckmeldung_from: '14612000' }, { awaiting_rueckmeldung_from: null }]);
    // Eight stored transfers: none for the late registration of the older move, which changes nothing.
    expect(expected.log).toHaveLength(8);
    expect(await stateOf(batched)).toEqual(expected);
  });

  /** A run of events handed to `handle` as the consumer hands it over; returns the statements the handler sent. */
  async function run<E extends RegsyncEvent>(events: E[], handle: (events: E[], context: RegsyncBatchContext) => Promise<void>): Promise<string[]> {
    const statements: string[] = [];
    await runAsAuthority(LAND, () =>
      database.transaction((transaction) => {
        const manager = new Proxy(transaction, {
          get: (target, property) => (property === 'query' ? (sql: string, parameters?: unknown[]) => (statements.push(sql), target.query(sql, parameters)) : Reflect.get(target, property)),
        }) as EntityManager;
        const admitted = events.map((event) => admit(event) as Extract<ReturnType<typeof admit>, { kind: 'apply' }>);
        const contexts = admitted.map((admission, offset) => new RegsyncEventContext(manager, admission, 'person', 0, String(offset), {}, undefined, 'c'));
        return handle(admitted.map(({ event }) => event as E), new RegsyncBatchContext(manager, contexts));
      }),
    );
    return statements;
  }

  const movesOut = (events: MovedOut[]) => run(events, (moves, context) => handler.onMovesOut(moves, context));

  it('applies a run of registrations, name changes and deaths in one locking read and one write', async () => {
    const [anna, ben] = [generateIdnr(), generateIdnr()];
    const fromStandesamt = { source: { level: 'MUNICIPAL' as const, instanceKey: OSNABRUECK.municipalityKey, register: 'PERSONENSTANDSREGISTER' as const } };
    const events: StateResidentEvent[] = [
      registration(anna, OSNABRUECK, '2020-01-01'),
      registration(ben, HANNOVER, '2021-01-01'),
      sampleEvent('NameChanged', fromStandesamt, { idnr: anna, familyName: 'Weber', givenNames: 'Anna' }),
      sampleEvent('DeathRecorded', fromStandesamt, { idnr: ben }),
    ];
    const statements = await run(events, (chunk, context) => handler.onResidentEvents(chunk, context));

    expect(statements).toHaveLength(2);
    expect(await dataSource.query('select idnr, family_name, status from state_residents where idnr = any($1) order by array_position($1, idnr)', [[anna, ben]])).toEqual([
      { idnr: anna, family_name: 'Weber', status: 'RESIDENT' },
      { idnr: ben, family_name: 'Schmidt', status: 'DECEASED' },
    ]);
    expect(await registrations.transferLogOf([anna, ben])).toHaveLength(4);
  });

  it('ends the wait for the Rückmeldung with the previous residence\'s MovedOut, and logs it though the row stays as it is', async () => {
    const arriver = generateIdnr();
    await registrations.applyAsBatch([registration(arriver, OSNABRUECK, '2025-05-01', DRESDEN)]);
    const answer = (from: string) => sampleEvent('MovedOut', { source: { level: 'MUNICIPAL', instanceKey: from, register: 'MELDEREGISTER' } }, { idnr: arriver, movedOutOn: new Date('2025-05-01T00:00:00Z'), fromMunicipalityKey: from, toMunicipalityKey: OSNABRUECK.municipalityKey });
    const wait = () => dataSource.query('select awaiting_rueckmeldung_from from information_blocks where idnr = $1', [arriver]);

    await movesOut([answer(HANNOVER.municipalityKey)]);
    await expect(wait()).resolves.toEqual([{ awaiting_rueckmeldung_from: DRESDEN.municipalityKey }]);
    await movesOut([answer(DRESDEN.municipalityKey)]);

    await expect(wait()).resolves.toEqual([{ awaiting_rueckmeldung_from: null }]);
    expect(await stateOf([arriver])).toMatchObject({ rows: [expect.objectContaining({ status: 'RESIDENT', address: OSNABRUECK })] });
    expect((await registrations.transferLogOf([arriver])).map((row) => (row as { event_type: string }).event_type)).toEqual(['ResidenceRegistered', 'MovedOut']);
  });

  it('rejects the whole batch when one registration concerns a deceased person, writing nothing', async () => {
    const [living, deceased] = [generateIdnr(), generateIdnr()];
    await registrations.applyOneAtATime([registration(deceased, OSNABRUECK, '2018-04-01')]);
    await dataSource.query(`update state_residents set status = 'DECEASED', date_of_death = '2026-11-24' where idnr = $1`, [deceased]);

    await expect(registrations.applyAsBatch([registration(living, OSNABRUECK, '2020-01-01'), registration(deceased, HANNOVER, '2026-11-25', OSNABRUECK)])).rejects.toMatchObject({ code: 'subject-deceased' });

    expect(await dataSource.query('select idnr, status from state_residents where idnr = any($1)', [[living, deceased]])).toEqual([{ idnr: deceased, status: 'DECEASED' }]);
    expect(await dataSource.query('select count(*)::int as count from transfer_log where subject_id = $1', [living])).toEqual([{ count: 0 }]);
  });
});

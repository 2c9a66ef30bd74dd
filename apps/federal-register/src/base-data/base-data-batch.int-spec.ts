import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { RegsyncEvent, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { AdmittedTransferHandler, transferAdmission, TransferLog, transferLogEntities, transferLogMigrations } from '@regsync/data-protection/transfers';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { generateIdnr } from '@regsync/register-domain/identifiers';
import { DRESDEN, HANNOVER, OSNABRUECK, ResidenceRegistrations, registration } from '@regsync/data-protection-testing/residence-registrations';
import { BaseDataEventsHandler } from './base-data-events.handler';
import { BaseDataService } from './base-data.service';
import { FederalAuthorityKeys1760000830000 } from '../federal-authority-keys.migration';
import { IdnrBaseDataTable1760000500000 } from './idnr-base-data.migration';
import { AuthorityDatabase } from '@regsync/persistence/authority-scope';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const admitDelivery = transferAdmission('FEDERAL');
const admit = (event: RegsyncEvent) => admitDelivery(event, { topic: 'regsync.deliveries.federal-register.DE', recipientRegister: 'IDNR_BASISDATEN' });

describe('the IdNr base data applying a batch of registrations', () => {
  const name = `regsync_test_base_data_batch_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;
  let registrations: ResidenceRegistrations;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({
      type: 'postgres',
      url: databaseUrl(serverUrl, name),
      entities: transferLogEntities,
      migrations: [...transferLogMigrations, IdnrBaseDataTable1760000500000, FederalAuthorityKeys1760000830000],
      migrationsRun: true,
    }).initialize();
    const database = new AuthorityDatabase(dataSource, name);
    const transfers = new AdmittedTransferHandler(new TransferLog(database));
    const handler = new BaseDataEventsHandler(new BaseDataService(database, transfers));
    registrations = await ResidenceRegistrations.of(dataSource, name, 'DE', { onResidencesRegistered: (events, context) => handler.onBaseDataEvents(events, context) }, admit);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  /** Several registrations of one person among those of another. */
  function moves(mover: string, stayer: string): ResidenceRegistered[] {
    return [
      registration(mover, OSNABRUECK, '2018-04-01'),
      registration(stayer, OSNABRUECK, '2019-01-01'),
      registration(mover, HANNOVER, '2024-02-01', OSNABRUECK),
      registration(mover, DRESDEN, '2026-11-01', HANNOVER),
    ];
  }

  async function stateOf(idnrs: string[]) {
    const rows = (await dataSource.query(
      `select birth_registration_id, family_name, given_names, previous_family_names, sex, date_of_birth::text, place_of_birth, address, moved_in_on::text, status, date_of_death::text
         from idnr_base_data where idnr = any($1) order by array_position($1, idnr)`,
      [idnrs],
    )) as unknown[];
    return { rows, log: await registrations.transferLogOf(idnrs) };
  }

  it('stores and logs the same as one event at a time (a batch of one), each event of a person applied to the result of the one before', async () => {
    const single = [generateIdnr(), generateIdnr()];
    const batched = [generateIdnr(), generateIdnr()];
    await registrations.applyOneAtATime(moves(single[0], single[1]));
    await registrations.applyAsBatch(moves(batched[0], batched[1]));

    const expected = await stateOf(single);
    expect(expected.rows).toEqual([
      expect.objectContaining({ status: 'ALIVE', address: DRESDEN, moved_in_on: '2026-11-01' }),
      expect.objectContaining({ status: 'ALIVE', address: OSNABRUECK }),
    ]);
    expect(expected.log).toHaveLength(4);
    expect(await stateOf(batched)).toEqual(expected);
  });

  it('stores and logs nothing for a registration older than the one held, one at a time and in a batch', async () => {
    const [single, batched] = [generateIdnr(), generateIdnr()];
    const lateOlderMove = (idnr: string) => [registration(idnr, DRESDEN, '2026-11-01', OSNABRUECK), registration(idnr, OSNABRUECK, '2018-04-01')];
    await registrations.applyOneAtATime(lateOlderMove(single));
    await registrations.applyAsBatch(lateOlderMove(batched));
    for (const idnr of [single, batched]) {
      const { rows, log } = await stateOf([idnr]);
      expect(rows).toEqual([expect.objectContaining({ address: DRESDEN, moved_in_on: '2026-11-01' })]);
      expect(log).toHaveLength(1);
    }
  });

  it('rejects the whole batch when one registration concerns a deceased person, writing nothing', async () => {
    const [living, deceased] = [generateIdnr(), generateIdnr()];
    await registrations.applyOneAtATime([registration(deceased, OSNABRUECK, '2018-04-01')]);
    await dataSource.query(`update idnr_base_data set status = 'DECEASED', date_of_death = '2026-11-24' where idnr = $1`, [deceased]);

    await expect(registrations.applyAsBatch([registration(living, OSNABRUECK, '2020-01-01'), registration(deceased, HANNOVER, '2026-11-25', OSNABRUECK)])).rejects.toMatchObject({ code: 'subject-deceased' });

    expect(await dataSource.query('select idnr, status from idnr_base_data where idnr = any($1)', [[living, deceased]])).toEqual([{ idnr: deceased, status: 'DECEASED' }]);
    expect(await dataSource.query('select count(*)::int as count from transfer_log where subject_id = $1', [living])).toEqual([{ count: 0 }]);
  });
});

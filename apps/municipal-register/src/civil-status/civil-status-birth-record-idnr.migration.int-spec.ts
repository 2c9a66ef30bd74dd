import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { ResidentsTable1760000300000 } from '../residents/residents.migration';
import { CivilStatusBirthRecordIdnr1760000330000 } from './civil-status-birth-record-idnr.migration';
import { CivilStatusTable1760000310000 } from './civil-status.migration';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const address = JSON.stringify({ street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' });

describe('the migration that links birth records to their IdNr', () => {
  const name = `regsync_test_civil_status_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: [ResidentsTable1760000300000, CivilStatusTable1760000310000] }).initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  it('merges the record a name change started by IdNr into the birth record, and links every birth record', async () => {
    const resident = `insert into residents (idnr, birth_registration_id, family_name, given_names, sex, date_of_birth, address, moved_in_on, status)
                      values ($1, $2, $3, 'Mia', 'FEMALE', '2026-01-02', $4, '2026-01-02', 'RESIDENT')`;
    await dataSource.query(resident, ['57396154059', '03404000-G-2026-000001', 'Weber-Schulz', address]);
    await dataSource.query(resident, ['36574261809', '03404000-G-2026-000002', 'Weber', address]);
    const birth = `insert into civil_status_records (birth_registration_id, family_name, given_names, sex, date_of_birth, place_of_birth, parent_idnrs, marital_status, status, name_history)
                   values ($1, 'Weber', 'Mia', 'FEMALE', '2026-01-02', 'Osnabrück', '["12345678995"]', 'SINGLE', 'ALIVE', $2)`;
    const bornAs = JSON.stringify([{ familyName: 'Weber', givenNames: 'Mia', reason: 'BIRTH', effectiveOn: '2026-01-02' }]);
    await dataSource.query(birth, ['03404000-G-2026-000001', bornAs]);
    await dataSource.query(birth, ['03404000-G-2026-000002', bornAs]);
    // What the old code did on a name change: a second record, started from the Melderegister, by IdNr.
    await dataSource.query(
      `insert into civil_status_records (idnr, family_name, given_names, sex, date_of_birth, parent_idnrs, marital_status, status, name_history)
       values ('57396154059', 'Weber-Schulz', 'Mia', 'FEMALE', '2026-01-02', '[]', 'SINGLE', 'ALIVE', $1)`,
      [JSON.stringify([{ familyName: 'Weber-Schulz', givenNames: 'Mia', reason: 'NAME_DECLARATION', effectiveOn: '2026-03-01' }])],
    );

    await new CivilStatusBirthRecordIdnr1760000330000().up(dataSource.createQueryRunner());

    const rows = (await dataSource.query('select * from civil_status_records order by birth_registration_id')) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ birth_registration_id: '03404000-G-2026-000001', idnr: '57396154059', family_name: 'Weber-Schulz', place_of_birth: 'Osnabrück', parent_idnrs: ['12345678995'] });
    expect((rows[0].name_history as { reason: string }[]).map((entry) => entry.reason)).toEqual(['BIRTH', 'NAME_DECLARATION']);
    expect(rows[1]).toMatchObject({ birth_registration_id: '03404000-G-2026-000002', idnr: '36574261809', family_name: 'Weber' });
  });
});

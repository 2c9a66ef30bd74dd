import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { ResidentsDwellingStatus1760000700000 } from './residents-dwelling-status.migration';
import { ResidentsTable1760000300000 } from './residents.migration';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const address = JSON.stringify({ street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' });
const insertResident = (columns: string, values: string) =>
  `insert into residents (idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status${columns})
   values ($1, 'Schmidt', 'Anna', 'FEMALE', '1990-03-14', $2, '2018-04-01', 'RESIDENT'${values})`;

describe("the migration that gives every resident the dwelling's status", () => {
  const name = `regsync_test_dwelling_status_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: [ResidentsTable1760000300000] }).initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  it('makes every resident registered before v2 a Hauptwohnung, and then requires every write to name the status', async () => {
    await dataSource.query(insertResident('', ''), ['36574261809', address]);

    await new ResidentsDwellingStatus1760000700000().up(dataSource.createQueryRunner());

    expect(await dataSource.query('select idnr, dwelling_status from residents')).toEqual([{ idnr: '36574261809', dwelling_status: 'HAUPTWOHNUNG' }]);
    await expect(dataSource.query(insertResident('', ''), ['12345678995', address])).rejects.toThrow(/dwelling_status/);
    await expect(dataSource.query(insertResident(', dwelling_status', ", 'ZWEITWOHNUNG'"), ['12345678995', address])).rejects.toThrow(/check constraint/);
  });
});

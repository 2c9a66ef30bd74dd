import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { KeptRecords } from '@regsync/data-protection/retention-and-erasure';
import { runAsAuthority, AuthorityDatabase, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { municipalMigrations } from './municipal-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const OSNABRUECK = '03404000';
const HANNOVER = '03241001';
const address = JSON.stringify({ street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: OSNABRUECK });

const movedAway = '36574261809';
const bornHereMarriedDied = '12345678995';
const owner = '47036892816';

describe("the cockpit's 'kept until' of a municipality's records, from the retention catalog", () => {
  const name = `regsync_test_kept_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;
  let keptRecords: KeptRecords;

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: municipalMigrations, migrationsRun: true }).initialize();
    await ensureAuthorityRoles(dataSource, name, [OSNABRUECK, HANNOVER]);
    const database = new AuthorityDatabase(dataSource, name);
    keptRecords = new KeptRecords(database);
    await runAsAuthority(OSNABRUECK, () => database.transaction(seedOsnabrueck));
    await runAsAuthority(HANNOVER, () => database.transaction(seedHannover));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  const insertResident = `insert into residents (idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status, moved_out_on, date_of_death, dwelling_status)
    values ($1, 'Aschenbrenner', 'Anna', 'FEMALE', '1980-03-14', $2, '2000-04-01', $3, $4, $5, 'HAUPTWOHNUNG')`;
  const insertTransfer = `insert into transfer_log (event_id, event_type, correlation_id, idnr, subject_id, sender_level, sender_instance, sender_register,
    recipient_level, recipient_instance, recipient_register, fields, legal_basis, purpose, transferred_at)
    values ($1, 'ResidenceRegistered', 'c', $2, $2, 'MUNICIPAL', '14612000', 'MELDEREGISTER', 'MUNICIPAL', '03404000', $3, '{idnr}', '§ 33 Abs. 1 BMG', 'p', $4)`;

  async function seedOsnabrueck(manager: EntityManager): Promise<void> {
    await manager.query(insertResident, [movedAway, address, 'MOVED_OUT', '2026-03-14', null]);
    await manager.query(insertResident, [bornHereMarriedDied, address, 'DECEASED', null, '2026-05-02']);
    await manager.query(
      `insert into civil_status_records (birth_registration_id, idnr, family_name, given_names, sex, date_of_birth, status, date_of_death, name_history)
       values ('03404000-G-1980-000001', $1, 'Aschenbrenner', 'Anna', 'FEMALE', '1980-03-14', 'DECEASED', '2026-05-02', $2)`,
      [bornHereMarriedDied, JSON.stringify([{ familyName: 'Bärwald', givenNames: 'Anna', reason: 'BIRTH', effectiveOn: '1980-03-14' }, { familyName: 'Aschenbrenner', givenNames: 'Anna', reason: 'MARRIAGE', effectiveOn: '2004-08-20' }])],
    );
    await manager.query(`insert into property_tax_entries (parcel_id, municipality_key, area_square_metres, usage, owner_idnrs) values ('034040-001-00012', $1, 420, 'RESIDENTIAL', $2)`, [
      OSNABRUECK,
      JSON.stringify([owner, movedAway]),
    ]);
    await manager.query(insertTransfer, [randomUUID(), movedAway, 'MELDEREGISTER', '2025-01-10T10:00:00Z']);
    await manager.query(insertTransfer, [randomUUID(), movedAway, 'MELDEREGISTER', '2026-03-01T23:30:00Z']);
    await manager.query(insertTransfer, [randomUUID(), movedAway, 'GRUNDSTEUER', '2026-02-01T12:00:00Z']);
  }

  /** Hannover keeps the person who moved away from Osnabrück as its resident: another authority's record of the same IdNr. */
  async function seedHannover(manager: EntityManager): Promise<void> {
    await manager.query(insertResident, [movedAway, address, 'RESIDENT', null, null]);
    await manager.query(insertTransfer, [randomUUID(), movedAway, 'MELDEREGISTER', '2026-03-15T08:00:00Z']);
  }

  const keptFor = (authority: string, idnr: string) => runAsAuthority(authority, () => keptRecords.forIdnr(idnr));
  const summary = (kept: Awaited<ReturnType<KeptRecords['forIdnr']>>) => kept.map(({ instanceKey, register, recordKind, records, keptUntil }) => ({ instanceKey, register, recordKind, records, keptUntil }));

  it('tells a person who moved away until when each register keeps their records: 55 years after the year of the move, the transfer log two years, the tax roll while current', async () => {
    expect(summary(await keptFor(OSNABRUECK, movedAway))).toEqual([
      { instanceKey: OSNABRUECK, register: 'MELDEREGISTER', recordKind: 'resident', records: 1, keptUntil: '2081-12-31' },
      { instanceKey: OSNABRUECK, register: 'GRUNDSTEUER', recordKind: 'parcel on the roll (owner IdNrs, area, usage)', records: 1, keptUntil: null },
      { instanceKey: OSNABRUECK, register: 'MELDEREGISTER', recordKind: 'transfer log entry', records: 2, keptUntil: '2028-03-01' },
      { instanceKey: OSNABRUECK, register: 'GRUNDSTEUER', recordKind: 'transfer log entry', records: 1, keptUntil: '2028-02-01' },
    ]);
  });

  it("states each civil status entry's own period (birth 110, marriage 80, death 30 years), to be offered to the archive", async () => {
    const kept = await keptFor(OSNABRUECK, bornHereMarriedDied);
    expect(summary(kept)).toEqual([
      { instanceKey: OSNABRUECK, register: 'MELDEREGISTER', recordKind: 'resident', records: 1, keptUntil: '2081-12-31' },
      { instanceKey: OSNABRUECK, register: 'PERSONENSTANDSREGISTER', recordKind: 'birth entry (Geburtenregister)', records: 1, keptUntil: '2090-03-14' },
      { instanceKey: OSNABRUECK, register: 'PERSONENSTANDSREGISTER', recordKind: 'marriage or name entry (Eheregister)', records: 1, keptUntil: '2084-08-20' },
      { instanceKey: OSNABRUECK, register: 'PERSONENSTANDSREGISTER', recordKind: 'death entry (Sterberegister)', records: 1, keptUntil: '2056-05-02' },
    ]);
    expect(kept.find(({ recordKind }) => recordKind === 'death entry (Sterberegister)')).toMatchObject({
      rule: 'kept 30 years after death, then offered to the archive',
      legalBasis: expect.stringContaining('§ 5 Abs. 5 Nr. 3 PStG'),
    });
  });

  it("shows each hosted authority only its own records of the same IdNr: Hannover's current resident is kept while current", async () => {
    expect(summary(await keptFor(HANNOVER, movedAway))).toEqual([
      { instanceKey: HANNOVER, register: 'MELDEREGISTER', recordKind: 'resident', records: 1, keptUntil: null },
      { instanceKey: HANNOVER, register: 'MELDEREGISTER', recordKind: 'transfer log entry', records: 1, keptUntil: '2028-03-15' },
    ]);
  });

  it('has nothing to state about a person the registers do not hold', async () => {
    expect(await keptFor(OSNABRUECK, '65929970489')).toEqual([]);
  });
});

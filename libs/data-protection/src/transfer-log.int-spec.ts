import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ResidenceRegistered } from '@regsync/contracts/generated/events';
import { runAsAuthority, AuthorityDatabase, isolateByAuthority, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { text, RegisterStore, createTableSql, defineTable } from '@regsync/persistence/register-storage';
import { transferAdmission, admittedTransfers } from './transfer-admission';

const toBasisdaten = { topic: 'regsync.deliveries.federal-register.DE', recipientRegister: 'IDNR_BASISDATEN' };
import { TransferLog } from './transfer-log';
import { transferLogEntities, transferLogMigrations } from './transfer-log-schema';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A register table of the simplest kind: the IdNrs it holds, Anna's only (a check refuses any other). */
const registerRows = (table: string) => new RegisterStore(defineTable<{ idnr: string }>({ table, key: ['idnr'], columns: { idnr: text('idnr', ['36574261809']) } }));
const address = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };

function registration(eventId: string): ResidenceRegistered {
  return {
    envelope: { eventId, eventType: 'ResidenceRegistered', occurredAt: new Date(), source: { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' }, subject: { kind: 'PERSON', id: '36574261809' }, subjectVersion: 1, correlationId: 'c-1', causationId: null, legalBasis: '§ 17 BMG' },
    idnr: '36574261809',
    familyName: 'Schmidt',
    givenNames: 'Anna',
    sex: 'FEMALE',
    dateOfBirth: new Date(Date.UTC(1990, 2, 14)),
    address,
    movedInOn: new Date(Date.UTC(2024, 0, 1)),
    previousAddress: null,
    dwellingStatus: 'HAUPTWOHNUNG',
  };
}

describe('the transfer log in PostgreSQL', () => {
  const name = `regsync_test_transfers_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  let log: TransferLog;
  // The federal register's transfers: every test acts as its authority, as its consumer does.
  const asDE = (test: () => Promise<void>) => () => runAsAuthority('DE', test);
  // A register table as the registers' migrations make it: isolated by authority, granted to the authorities.
  const isolatedRegisterTable = async (store: RegisterStore<{ idnr: string }>) => {
    await dataSource.query(createTableSql(store.descriptor));
    await isolateByAuthority(dataSource, [{ table: store.descriptor.table, primaryKey: ['idnr'] }]);
    await ensureAuthorityRoles(dataSource, name, ['DE']);
    return store;
  };

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), entities: transferLogEntities, migrations: transferLogMigrations, migrationsRun: true }).initialize();
    await ensureAuthorityRoles(dataSource, name, ['DE']);
    database = new AuthorityDatabase(dataSource, name);
    log = new TransferLog(database);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  it('records one row per admitted transfer, with sender, recipient, fields, basis and purpose', asDE(async () => {
    const event = registration('0b1e7c52-3f7a-4d3c-9b1e-1a2b3c4d5e01');
    const admission = transferAdmission('FEDERAL')(event, toBasisdaten);
    await database.transaction((manager) => log.record(manager, event, admittedTransfers(admission)));
    const [row] = await log.forIdnr('36574261809');
    expect(row).toMatchObject({
      eventId: event.envelope.eventId,
      sender: { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' },
      recipient: { level: 'FEDERAL', instanceKey: 'DE', register: 'IDNR_BASISDATEN' },
      fields: ['idnr', 'familyName', 'givenNames', 'sex', 'dateOfBirth', 'address', 'movedInOn'],
      legalBasis: '§ 139b Abs. 8 AO, § 9 Abs. 1 2. BMeldDÜV',
    });
  }));

  it('writes a register change and its transfer log rows in one statement, or neither', asDE(async () => {
    const store = await isolatedRegisterTable(registerRows('register_rows'));
    const logged = registration('0b1e7c52-3f7a-4d3c-9b1e-1a2b3c4d5e04');
    const transfers = admittedTransfers(transferAdmission('FEDERAL')(logged, toBasisdaten));
    await database.transaction((manager) => store.write(manager, [{ idnr: '36574261809' }], [], log.rowsOf([{ event: logged, transfers }])));
    const failed = registration('0b1e7c52-3f7a-4d3c-9b1e-1a2b3c4d5e05');
    await expect(database.transaction((manager) => store.write(manager, [{ idnr: '12345678995' }], [], log.rowsOf([{ event: failed, transfers }])))).rejects.toThrow(/check constraint/);

    expect(await dataSource.query('select idnr from register_rows')).toEqual([{ idnr: '36574261809' }]);
    const eventIds = (await log.forIdnr('36574261809')).map((row) => row.eventId);
    expect(eventIds).toContain(logged.envelope.eventId);
    expect(eventIds).not.toContain(failed.envelope.eventId);
  }));

  it('writes a batch of register changes and all their log rows in one statement, the rows being those of one event at a time', asDE(async () => {
    const store = await isolatedRegisterTable(registerRows('register_batch_rows'));
    const transferredAt = new Date('2026-11-25T12:00:00Z');
    const single = registration('0b1e7c52-3f7a-4d3c-9b1e-1a2b3c4d5e06');
    const batch = [registration('0b1e7c52-3f7a-4d3c-9b1e-1a2b3c4d5e07'), registration('0b1e7c52-3f7a-4d3c-9b1e-1a2b3c4d5e08')];
    const transfersOf = (event: ResidenceRegistered) => admittedTransfers(transferAdmission('FEDERAL')(event, toBasisdaten));
    await database.transaction(async (manager) => {
      await log.record(manager, single, transfersOf(single), transferredAt);
      await store.write(manager, [{ idnr: '36574261809' }], [], log.rowsOf(batch.map((event) => ({ event, transfers: transfersOf(event) })), transferredAt));
    });

    expect(await dataSource.query('select idnr from register_batch_rows')).toEqual([{ idnr: '36574261809' }]);
    const rows = await log.forIdnr('36574261809');
    const byEvent = (eventId: string) => rows.filter((row) => row.eventId === eventId).map(({ eventId: _eventId, ...row }) => row);
    expect(byEvent(batch[0].envelope.eventId)).toEqual(byEvent(single.envelope.eventId));
    expect(byEvent(batch[1].envelope.eventId)).toEqual(byEvent(single.envelope.eventId));
    expect(byEvent(single.envelope.eventId)).toHaveLength(1);
  }));
});

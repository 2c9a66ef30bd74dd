import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { RetentionJob } from '@regsync/data-protection/retention-and-erasure';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { runAsAuthority, AuthorityDatabase, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { databaseUrl, dropDatabase, ensureDatabase } from '@regsync/persistence/databases';
import { municipalMigrations } from './municipal-register.module';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const address = JSON.stringify({ street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' });
// The municipality the records are kept for, and a second one hosted in the same database (process).
const OSNABRUECK = '03404000';
const HANNOVER = '03241001';

// The persons, by IdNr. Moved out or deceased in 1975: retention ended with 2030 (§ 13 Abs. 2 BMG: 5 + 50 years after
// the end of that calendar year). In 1976: kept through 2031.
const resident = '36574261809';
const movedOut1975 = '12345678995';
const movedOut1976 = '47036892816';
const deceased1975 = '65929970489';
const movedOut1975DiedLater = '86095742719';
const familyNames: Record<string, string> = { [resident]: 'Aschenbrenner', [movedOut1975]: 'Bärwald', [movedOut1976]: 'Czerny', [deceased1975]: 'Dietzsch', [movedOut1975DiedLater]: 'Ehrenfried' };

describe('the retention job on a municipality’s database, with the clock moved forward', () => {
  const name = `regsync_test_retention_${randomBytes(4).toString('hex')}`;
  let dataSource: DataSource;
  let database: AuthorityDatabase;
  let now: Date;
  let job: RetentionJob;
  const metrics = new RegsyncMetrics();
  const ids = { transfer: { expired: randomUUID(), kept: randomUUID() }, outbox: { expired: randomUUID(), kept: randomUUID(), unpublished: randomUUID() }, inbox: { expired: randomUUID(), kept: randomUUID() } };

  beforeAll(async () => {
    await ensureDatabase(serverUrl, name);
    dataSource = await new DataSource({ type: 'postgres', url: databaseUrl(serverUrl, name), migrations: municipalMigrations, migrationsRun: true }).initialize();
    await ensureAuthorityRoles(dataSource, name, [OSNABRUECK, HANNOVER]);
    database = new AuthorityDatabase(dataSource, name);
    // Two rows per batch, so the job goes through several batches.
    job = new RetentionJob(dataSource, { intervalMs: 60_000, batchSize: 2, clock: () => now }, metrics);
    await runAsAuthority(OSNABRUECK, () => database.transaction(seed));
    await runAsAuthority(HANNOVER, () => database.transaction(seedHannover));
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(serverUrl, name);
  });

  async function seed(manager: EntityManager): Promise<void> {
    const insertResident = `insert into residents (idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status, moved_out_on, date_of_death, dwelling_status)
      values ($1, $2, 'Anna', 'FEMALE', '1940-03-14', $3, '1960-04-01', $4, $5, $6, 'HAUPTWOHNUNG')`;
    await manager.query(insertResident, [resident, familyNames[resident], address, 'RESIDENT', null, null]);
    await manager.query(insertResident, [movedOut1975, familyNames[movedOut1975], address, 'MOVED_OUT', '1975-12-31', null]);
    await manager.query(insertResident, [movedOut1976, familyNames[movedOut1976], address, 'MOVED_OUT', '1976-01-01', null]);
    await manager.query(insertResident, [deceased1975, familyNames[deceased1975], address, 'DECEASED', null, '1975-06-01']);
    await manager.query(insertResident, [movedOut1975DiedLater, familyNames[movedOut1975DiedLater], address, 'DECEASED', '1975-03-01', '1990-01-01']);
    for (const idnr of Object.keys(familyNames)) {
      await manager.query(`insert into information_blocks (idnr, kind, valid_until, changed_at) values ($1, 'AUSKUNFTSSPERRE', null, '1970-01-01')`, [idnr]);
      await manager.query(
        `insert into information_block_audit (idnr, action, kind, agency, correlation_id, event_id) values ($1, 'SET', 'AUSKUNFTSSPERRE', 'buergeramt', 'c', $2)`,
        [idnr, randomUUID()],
      );
      await manager.query(`insert into regsync_applied_version values ('PERSON', $1, '14612000', 'MELDEREGISTER', 3)`, [idnr]);
      await manager.query(`insert into regsync_subject_version values ('MELDEREGISTER', 'PERSON', $1, 2)`, [idnr]);
    }
    // A parcel whose id happens to look like a person's IdNr is no person record.
    await manager.query(`insert into regsync_applied_version values ('PARCEL', $1, '14', 'LIEGENSCHAFTSKATASTER', 1)`, [movedOut1975]);
    await manager.query(
      `insert into civil_status_records (birth_registration_id, family_name, given_names, sex, date_of_birth, status) values ('03404000-G-1900-000001', 'Fink', 'Emil', 'MALE', '1900-01-02', 'ALIVE')`,
    );
    // Transfer log: kept through the same day two years later (§ 9 Abs. 3 IDNrG).
    const logRow = `insert into transfer_log (event_id, event_type, correlation_id, idnr, subject_id, sender_level, sender_instance, sender_register,
      recipient_level, recipient_instance, recipient_register, fields, legal_basis, purpose, transferred_at)
      values ($1, 'ResidenceRegistered', 'c', $2, $2, 'MUNICIPAL', '14612000', 'MELDEREGISTER', 'MUNICIPAL', '03404000', 'MELDEREGISTER', '{idnr}', '§ 33 Abs. 1 BMG', 'p', $3)`;
    await manager.query(logRow, [ids.transfer.expired, resident, '2029-06-14T23:00:00Z']);
    await manager.query(logRow, [ids.transfer.kept, resident, '2029-06-15T00:00:00Z']);
    // Outbox: published rows a week, unpublished ones until published.
    const outboxRow = `insert into regsync_outbox (event_id, event_type, topic, record_key, payload, headers, subject_version, created_at, published_at)
      values ($1, 'MovedOut', 'regsync.out.municipal-register.03404000', $2, '\\x00'::bytea, '{}', 1, '2020-01-01', $3)`;
    await manager.query(outboxRow, [ids.outbox.expired, resident, '2031-06-08T09:59:00Z']);
    await manager.query(outboxRow, [ids.outbox.kept, resident, '2031-06-08T10:01:00Z']);
    await manager.query(outboxRow, [ids.outbox.unpublished, resident, null]);
    // Inbox: 30 days after processing.
    const inboxRow = `insert into regsync_inbox values ($1, 'MovedOut', 'regsync.deliveries.municipal-register.03404000', 0, 1, 'applied', $2)`;
    await manager.query(inboxRow, [ids.inbox.expired, '2031-05-16T09:59:00Z']);
    await manager.query(inboxRow, [ids.inbox.kept, '2031-05-16T10:01:00Z']);
    // Idempotency keys: 24 hours.
    const keyRow = `insert into regsync_idempotency_keys (agency, idempotency_key, request_fingerprint, response_body, created_at, expires_at) values ('a', $1, 'f', '{}', $2, $2::timestamptz + interval '24 hours')`;
    await manager.query(keyRow, ['expired', '2031-06-14T09:59:00Z']);
    await manager.query(keyRow, ['kept', '2031-06-14T10:01:00Z']);
  }

  /** The person who moved out of Osnabrück in 1975 lives in Hannover: Hannover's records of the same IdNr stay. */
  async function seedHannover(manager: EntityManager): Promise<void> {
    await manager.query(
      `insert into residents (idnr, family_name, given_names, sex, date_of_birth, address, moved_in_on, status, dwelling_status)
       values ($1, $2, 'Anna', 'FEMALE', '1940-03-14', $3, '1976-01-01', 'RESIDENT', 'HAUPTWOHNUNG')`,
      [movedOut1975, familyNames[movedOut1975], address],
    );
    await manager.query(`insert into information_blocks (idnr, kind, valid_until, changed_at) values ($1, 'AUSKUNFTSSPERRE', null, '1970-01-01')`, [movedOut1975]);
    await manager.query(
      `insert into information_block_audit (idnr, action, kind, agency, correlation_id, event_id) values ($1, 'SET', 'AUSKUNFTSSPERRE', 'buergeramt', 'c', $2)`,
      [movedOut1975, randomUUID()],
    );
    await manager.query(`insert into regsync_applied_version values ('PERSON', $1, '14612000', 'MELDEREGISTER', 3)`, [movedOut1975]);
  }

  /** The first column of `sql`'s rows, sorted, as `authority` sees them. */
  const column = async (sql: string, authority = OSNABRUECK): Promise<string[]> => {
    const rows = (await runAsAuthority(authority, () => database.transaction((manager) => manager.query(sql)))) as Record<string, string>[];
    return rows.map((row) => Object.values(row)[0]).sort();
  };

  it('deletes nothing of a person while the retention runs (end of 2030 is not reached in June 2030)', async () => {
    now = new Date('2030-06-15T10:00:00Z');
    await job.run();
    expect(await column('select idnr from residents')).toEqual([resident, movedOut1975, movedOut1976, deceased1975, movedOut1975DiedLater].sort());
  });

  it('deletes exactly the records whose retention ended on 15 June 2031, with the records kept with each person, and keeps the rest', async () => {
    now = new Date('2031-06-15T10:00:00Z');
    const deletions = await job.run();

    const kept = [resident, movedOut1976].sort();
    expect(await column('select idnr from residents')).toEqual(kept);
    expect(await column('select idnr from information_blocks')).toEqual(kept);
    expect(await column('select idnr from information_block_audit')).toEqual(kept);
    expect(await column(`select subject_id from regsync_applied_version where subject_kind = 'PERSON'`)).toEqual(kept);
    expect(await column(`select subject_id from regsync_applied_version where subject_kind = 'PARCEL'`)).toEqual([movedOut1975]);
    // The sender's version counters stay: a new event about the subject must not look stale to its recipients.
    expect(await column('select subject_id from regsync_subject_version')).toEqual(Object.keys(familyNames).sort());
    // Civil status entries are offered to the archive after 110 years, never deleted by the job.
    expect(await column('select birth_registration_id from civil_status_records')).toEqual(['03404000-G-1900-000001']);
    expect(await column('select event_id from transfer_log')).toEqual([ids.transfer.kept]);
    expect(await column('select event_id from regsync_outbox')).toEqual([ids.outbox.kept, ids.outbox.unpublished].sort());
    expect(await column('select event_id from regsync_inbox')).toEqual([ids.inbox.kept]);
    expect(await column('select idempotency_key from regsync_idempotency_keys')).toEqual(['kept']);
    // Another hosted municipality's records of the same IdNr are another person's records.
    expect(await column('select idnr from residents', HANNOVER)).toEqual([movedOut1975]);
    expect(await column('select idnr from information_blocks', HANNOVER)).toEqual([movedOut1975]);
    expect(await column('select idnr from information_block_audit', HANNOVER)).toEqual([movedOut1975]);
    expect(await column('select subject_id from regsync_applied_version', HANNOVER)).toEqual([movedOut1975]);

    const counted = Object.fromEntries(deletions.filter(({ deleted }) => deleted > 0).map(({ table, deleted }) => [table, deleted]));
    expect(counted).toEqual({ residents: 3, information_blocks: 3, information_block_audit: 3, regsync_applied_version: 3, transfer_log: 1, regsync_outbox: 1, regsync_inbox: 1, regsync_idempotency_keys: 1 });
    expect(deletions.find(({ table }) => table === 'residents')?.legalBasis).toMatch(/§ 13 Abs\. 1, 2 BMG/);
    // What is logged and counted names kinds of records and counts, no person.
    const reported = JSON.stringify(deletions) + (await metrics.registry.getSingleMetricAsString('regsync_retention_deleted_total'));
    for (const [idnr, familyName] of Object.entries(familyNames)) {
      expect(reported).not.toContain(idnr);
      expect(reported).not.toContain(familyName);
    }
    expect(await metrics.registry.getSingleMetricAsString('regsync_retention_deleted_total')).toMatch(/regsync_retention_deleted_total\{table="residents",record_kind="resident"\} 3/);
  });

  it('deletes nothing more when run again at the same time', async () => {
    const deletions = await job.run();
    expect(deletions.filter(({ deleted }) => deleted > 0)).toEqual([]);
  });

  it('deletes the person moved out in 1976 once 2031 has ended', async () => {
    now = new Date('2032-01-01T00:00:00Z');
    await job.run();
    expect(await column('select idnr from residents')).toEqual([resident]);
    expect(await column('select idnr from information_blocks')).toEqual([resident]);
  });
});

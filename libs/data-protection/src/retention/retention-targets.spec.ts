import { RETENTION_CATALOG } from '@regsync/register-domain/retention';
import { PERSON_RECORD_TABLES } from '../person-record-tables';
import { PERSON_RECORD_DEPENDENTS, PERSON_RECORD_LOOKUPS, retentionTargetOf } from './retention-targets';

describe('retention targets', () => {
  it('tells the job where every table the catalog deletes by time records the start of its period', () => {
    const deletedByTime = RETENTION_CATALOG.filter((rule) => rule.retention.kind === 'timed' && rule.retention.disposal === 'delete');
    expect(deletedByTime.filter((rule) => !retentionTargetOf(rule)).map(({ table }) => table)).toEqual([]);
  });

  it('finds the rows of every record kept with the person’s record by its IdNr', () => {
    const withPerson = RETENTION_CATALOG.filter((rule) => rule.retention.kind === 'with-person-record').map((rule) => rule.table);
    expect(Object.keys(PERSON_RECORD_DEPENDENTS).sort()).toEqual([...new Set(withPerson)].sort());
  });

  it("states for the cockpit every kind of record the catalog keeps of a person, each under its own rule", () => {
    const keys = PERSON_RECORD_LOOKUPS.map(({ table, recordKind }) => `${table}/${recordKind}`);
    expect(new Set(keys).size).toBe(keys.length);
    const catalogKeys = new Set(RETENTION_CATALOG.map(({ table, recordKind }) => `${table}/${recordKind}`));
    expect(keys.filter((key) => !catalogKeys.has(key))).toEqual([]);
    // The person's own records (the registers' and the transfer log); technical and dependent records (kept with the person's record) are not listed.
    const personTables = [...PERSON_RECORD_TABLES.map(({ table }) => table), 'transfer_log'];
    const ofPersons = RETENTION_CATALOG.filter(({ table }) => personTables.includes(table)).map(({ table, recordKind }) => `${table}/${recordKind}`);
    expect([...keys].sort()).toEqual(ofPersons.sort());
  });
});

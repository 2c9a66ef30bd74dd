import * as registerTableCatalog from '@regsync/persistence/register-table-catalog';
import type { AnyTableDescriptor } from '@regsync/persistence/register-storage';
import { RETENTION_CATALOG } from '@regsync/register-domain/retention';
import { heldPerson, PERSON_ERASURE_TARGETS } from './erasure/person-erasure';
import { PERSON_RECORD_LOOKUPS, retentionTargetOf } from './retention/retention-targets';

// Every descriptor the persistence lib exports, whether or not it is in its list of every register table.
const described = Object.values(registerTableCatalog as Record<string, unknown>).filter(
  (value): value is AnyTableDescriptor & Required<Pick<AnyTableDescriptor, 'personRecords'>> => typeof value === 'object' && value !== null && 'personRecords' in value && value.personRecords !== undefined,
);
/** The tables whose rows are each one person's, with their IdNr column. */
const personsOwn = described.flatMap(({ table, columns, personRecords }) => ('idnr' in personRecords.of ? [{ table, idnr: columns[personRecords.of.idnr].name, records: personRecords.records }] : []));

describe('the records of persons the register tables describe', () => {
  it("are described for every register's table of the catalog but those kept with a person's record", () => {
    const registersOwn = RETENTION_CATALOG.filter(({ registers, retention }) => registers !== 'every instance' && retention.kind !== 'with-person-record').map(({ table }) => table);
    expect(described.map(({ table }) => table).sort()).toEqual([...new Set(registersOwn)].sort());
  });

  it("are every kind of record the catalog keeps in such a table, each looked up for the cockpit and a sender's key", () => {
    const tables = new Set(described.map(({ table }) => table));
    const catalogued = RETENTION_CATALOG.filter(({ table }) => tables.has(table)).map(({ table, recordKind }) => `${table}/${recordKind}`);
    const describedKinds = described.flatMap(({ table, personRecords }) => personRecords.records.map(({ recordKind }) => `${table}/${recordKind}`));
    expect(describedKinds.sort()).toEqual(catalogued.sort());
    const looked = new Set(PERSON_RECORD_LOOKUPS.map(({ table, recordKind }) => `${table}/${recordKind}`));
    expect(describedKinds.filter((kind) => !looked.has(kind))).toEqual([]);
  });

  it('tell the retention job where the period of each record it deletes by time starts, and whose IdNr a row is', () => {
    for (const { table, idnr, records } of personsOwn) {
      for (const rule of RETENTION_CATALOG.filter((candidate) => candidate.table === table && candidate.retention.kind === 'timed' && candidate.retention.disposal === 'delete')) {
        const record = records.find(({ recordKind }) => recordKind === rule.recordKind)!;
        expect({ table, ...retentionTargetOf(rule) }).toEqual({ table, startedAt: record.startedAt, personIdnr: idnr });
      }
    }
  });

  it("are erased with the person where each row is one person's, and such a row means the register held the person", () => {
    for (const { table, idnr } of personsOwn) {
      expect({ table, rowsOfPerson: PERSON_ERASURE_TARGETS[table] }).toEqual({ table, rowsOfPerson: `${idnr} = $1` });
      expect({ table, held: heldPerson({ deleted: { [table]: 1 }, unlisted: {}, keyErased: false, rekeyed: 0 }) }).toEqual({ table, held: true });
    }
  });

  it('that list persons say in the catalog what an erasure does to the list', () => {
    const listing = described.filter(({ personRecords }) => 'listedIn' in personRecords.of).map(({ table }) => table);
    expect(listing.filter((table) => !RETENTION_CATALOG.some((rule) => rule.table === table && rule.erasure))).toEqual([]);
  });
});

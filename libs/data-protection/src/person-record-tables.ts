import type { PersonRecords } from '@regsync/persistence/register-storage';
import { EVERY_REGISTER_TABLE } from '@regsync/persistence/register-table-catalog';

/** A register table that keeps records of persons, as its descriptor says (`personRecords`), its fields as column names. */
export interface PersonRecordTable {
  table: string;
  register: PersonRecords<unknown>['register'];
  /** Each row one person's (`idnr`, and the birth registration id where a birth's events are keyed by it), or rows listing persons (jsonb arrays of IdNrs). */
  of: { idnr: string; birthRegistration?: string } | { listedIn: readonly string[] };
  records: PersonRecords<unknown>['records'];
}

/** Every register table that says where it keeps records of persons, of whichever service. */
export const PERSON_RECORD_TABLES: readonly PersonRecordTable[] = EVERY_REGISTER_TABLE.flatMap(({ table, columns, personRecords }) => {
  if (!personRecords) return [];
  const { register, of, records } = personRecords;
  const column = (field: string): string => columns[field].name;
  const whose = 'listedIn' in of ? { listedIn: of.listedIn.map(column) } : { idnr: column(of.idnr), ...(of.orBirthRegistration ? { birthRegistration: column(of.orBirthRegistration) } : {}) };
  return [{ table, register, of: whose, records }];
});

/** The IdNr column of a table whose rows are each one person's; undefined where rows list persons. */
export function idnrColumnOf({ of }: PersonRecordTable): string | undefined {
  return 'idnr' in of ? of.idnr : undefined;
}

import type { MaritalStatus, Sex } from '@regsync/contracts/generated/events';
import type { CivilStatusRecord, NameHistoryEntry } from '@regsync/register-domain/register-rules';
import { date, jsonb, nullable, text } from '../register-store/columns';
import { defineTable, startOfDay } from '../register-store/table-descriptor';

/** The day the Standesamt recorded the person's first marriage or name change (null: none recorded here). */
const firstNameChange = `(select ${startOfDay("min((entry->>'effectiveOn')::date)")} from jsonb_array_elements(name_history) entry where entry->>'reason' <> 'BIRTH')`;

/**
 * The Personenstandsregister of a municipality's Standesamt. A birth is recorded before the BZSt has assigned the IdNr,
 * so rows have a generated id; they are found by IdNr, or by birth registration id until the IdNr arrives.
 */
export const civilStatusRecordsTable = defineTable<CivilStatusRecord, 'updatedAt'>({
  table: 'civil_status_records',
  rowId: 'id',
  key: ['idnr'],
  columns: {
    birthRegistrationId: nullable(text('birth_registration_id')),
    idnr: nullable(text('idnr')),
    familyName: text('family_name'),
    givenNames: text('given_names'),
    sex: text<Sex>('sex'),
    dateOfBirth: date('date_of_birth'),
    placeOfBirth: nullable(text('place_of_birth')),
    parentIdnrs: jsonb<string[]>('parent_idnrs', { defaultSql: `'[]'::jsonb` }),
    maritalStatus: nullable(text<MaritalStatus>('marital_status')),
    status: text('status', ['ALIVE', 'DECEASED']),
    dateOfDeath: nullable(date('date_of_death')),
    placeOfDeath: nullable(text('place_of_death')),
    nameHistory: jsonb<NameHistoryEntry[]>('name_history', { defaultSql: `'[]'::jsonb` }),
  },
  unique: [['birthRegistrationId']],
  checks: [{ fields: ['idnr', 'birthRegistrationId'], condition: 'idnr is not null or birth_registration_id is not null' }],
  stamps: { updatedAt: { name: 'updated_at', on: 'write' } },
  personRecords: {
    register: 'PERSONENSTANDSREGISTER',
    of: { idnr: 'idnr', orBirthRegistration: 'birthRegistrationId' },
    records: [
      { recordKind: 'birth entry (Geburtenregister)', startedAt: startOfDay('date_of_birth'), where: 'birth_registration_id is not null' },
      { recordKind: 'marriage or name entry (Eheregister)', startedAt: firstNameChange, where: `${firstNameChange} is not null` },
      { recordKind: 'death entry (Sterberegister)', startedAt: startOfDay('date_of_death'), where: "status = 'DECEASED'" },
    ],
  },
});

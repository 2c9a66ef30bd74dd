import type { Address, DwellingStatus, MaritalStatus, Sex } from '@regsync/contracts/generated/events';
import type { Resident } from '@regsync/register-domain/register-rules';
import { date, jsonb, nullable, text } from '../register-store/columns';
import { defineTable, startOfDay } from '../register-store/table-descriptor';

/**
 * The Melderegister (residents register) of a municipality. A newborn is registered before the BZSt has assigned its
 * IdNr, so rows have a generated id; they are found by IdNr, or by birth registration id until the IdNr arrives.
 */
export const residentsTable = defineTable<Resident, 'updatedAt'>({
  table: 'residents',
  rowId: 'id',
  key: ['idnr'],
  columns: {
    idnr: nullable(text('idnr')),
    birthRegistrationId: nullable(text('birth_registration_id')),
    familyName: text('family_name'),
    givenNames: text('given_names'),
    sex: text<Sex>('sex'),
    dateOfBirth: date('date_of_birth'),
    placeOfBirth: nullable(text('place_of_birth')),
    address: jsonb<Address>('address'),
    dwellingStatus: text<DwellingStatus>('dwelling_status', ['HAUPTWOHNUNG', 'NEBENWOHNUNG']),
    movedInOn: date('moved_in_on'),
    status: text('status', ['RESIDENT', 'MOVED_OUT', 'DECEASED']),
    movedOutOn: nullable(date('moved_out_on')),
    movedOutTo: nullable(text('moved_out_to')),
    maritalStatus: nullable(text<MaritalStatus>('marital_status')),
    dateOfDeath: nullable(date('date_of_death')),
    placeOfDeath: nullable(text('place_of_death')),
  },
  unique: [['birthRegistrationId']],
  checks: [{ fields: ['idnr', 'birthRegistrationId'], condition: 'idnr is not null or birth_registration_id is not null' }],
  stamps: { updatedAt: { name: 'updated_at', on: 'write' } },
  personRecords: {
    register: 'MELDEREGISTER',
    of: { idnr: 'idnr', orBirthRegistration: 'birthRegistrationId' },
    records: [{ recordKind: 'resident', startedAt: `case when status in ('MOVED_OUT', 'DECEASED') then ${startOfDay('least(moved_out_on, date_of_death)')} end` }],
  },
});

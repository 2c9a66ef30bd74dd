import type { Address, Sex } from '@regsync/contracts/generated/events';
import type { IdnrBaseData } from '@regsync/register-domain/register-rules';
import { date, jsonb, nullable, text } from '../register-store/columns';
import { defineTable, startOfDay } from '../register-store/table-descriptor';

/** The BZSt's base data of one IdNr (§ 139b Abs. 3 AO). The key is what makes every IdNr unique. */
export const idnrBaseDataTable = defineTable<IdnrBaseData, 'assignedAt' | 'updatedAt'>({
  table: 'idnr_base_data',
  key: ['idnr'],
  columns: {
    idnr: text('idnr'),
    birthRegistrationId: nullable(text('birth_registration_id')),
    familyName: text('family_name'),
    givenNames: text('given_names'),
    previousFamilyNames: jsonb<string[]>('previous_family_names', { defaultSql: `'[]'::jsonb` }),
    sex: text<Sex>('sex'),
    dateOfBirth: date('date_of_birth'),
    placeOfBirth: nullable(text('place_of_birth')),
    address: jsonb<Address>('address'),
    movedInOn: nullable(date('moved_in_on')),
    status: text('status', ['ALIVE', 'DECEASED']),
    dateOfDeath: nullable(date('date_of_death')),
  },
  unique: [['birthRegistrationId']],
  stamps: { assignedAt: { name: 'assigned_at', on: 'insert' }, updatedAt: { name: 'updated_at', on: 'write' } },
  personRecords: {
    register: 'IDNR_BASISDATEN',
    // The BZSt's IdNrAssigned is keyed by the newborn's birth registration id, which the base data keep beside the IdNr.
    of: { idnr: 'idnr', orBirthRegistration: 'birthRegistrationId' },
    records: [{ recordKind: 'base data of an IdNr', startedAt: `case when status = 'DECEASED' then ${startOfDay('date_of_death')} end` }],
  },
});

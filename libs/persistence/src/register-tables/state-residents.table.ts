import type { Address, DwellingStatus, MaritalStatus, Sex } from '@regsync/contracts/generated/events';
import type { StateResident } from '@regsync/register-domain/register-rules';
import { date, jsonb, nullable, text } from '../register-store/columns';
import { defineTable, startOfDay } from '../register-store/table-descriptor';

/** The Landesmelderegister (the Land's mirror of its municipalities' residents): one row per IdNr. */
export const stateResidentsTable = defineTable<StateResident, 'updatedAt'>({
  table: 'state_residents',
  key: ['idnr'],
  columns: {
    idnr: text('idnr'),
    familyName: text('family_name'),
    givenNames: text('given_names'),
    sex: text<Sex>('sex'),
    dateOfBirth: date('date_of_birth'),
    address: jsonb<Address>('address'),
    dwellingStatus: nullable(text<DwellingStatus>('dwelling_status', ['HAUPTWOHNUNG', 'NEBENWOHNUNG'])),
    movedInOn: nullable(date('moved_in_on')),
    status: text('status', ['RESIDENT', 'MOVED_AWAY', 'DECEASED']),
    movedAwayTo: nullable(text('moved_away_to')),
    movedAwayOn: nullable(date('moved_away_on')),
    maritalStatus: nullable(text<MaritalStatus>('marital_status')),
    dateOfDeath: nullable(date('date_of_death')),
  },
  stamps: { updatedAt: { name: 'updated_at', on: 'write' } },
  personRecords: {
    register: 'LANDESMELDEREGISTER',
    of: { idnr: 'idnr' },
    records: [{ recordKind: 'resident of the Land', startedAt: `case when status in ('MOVED_AWAY', 'DECEASED') then ${startOfDay('least(moved_away_on, date_of_death)')} end` }],
  },
});

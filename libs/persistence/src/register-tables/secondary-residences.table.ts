import type { Address } from '@regsync/contracts/generated/events';
import type { SecondaryResidence } from '@regsync/register-domain/register-rules';
import { date, jsonb, nullable, text } from '../register-store/columns';
import { defineTable, startOfDay } from '../register-store/table-descriptor';

/** The Nebenwohnungen of the municipal register: one row per person and dwelling. */
export const secondaryResidencesTable = defineTable<SecondaryResidence, 'updatedAt'>({
  table: 'secondary_residences',
  key: ['idnr', 'dwelling'],
  columns: {
    idnr: text('idnr'),
    dwelling: text('dwelling'),
    address: jsonb<Address>('address'),
    movedInOn: date('moved_in_on'),
    movedOutOn: nullable(date('moved_out_on')),
    registeredBy: text('registered_by'),
    movedOutBy: nullable(text('moved_out_by')),
  },
  stamps: { updatedAt: { name: 'updated_at', on: 'write' } },
  personRecords: {
    register: 'MELDEREGISTER',
    of: { idnr: 'idnr' },
    records: [{ recordKind: 'Nebenwohnung', startedAt: `case when moved_out_on is not null then ${startOfDay('moved_out_on')} end` }],
  },
});

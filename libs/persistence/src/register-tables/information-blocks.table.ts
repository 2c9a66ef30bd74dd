import type { InformationBlockKind, InformationBlockState } from '@regsync/register-domain/register-rules';
import { date, epochMillis, nullable, text } from '../register-store/columns';
import { defineTable } from '../register-store/table-descriptor';

/** The information block (§§ 51, 52 BMG) a register holds about one IdNr, or the Rückmeldung it awaits for it. */
export type HeldInformationBlock = InformationBlockState & { idnr: string };

/** Next to every register that holds addresses (Melderegister, Landesmelderegister, IdNr base data). */
export const informationBlocksTable = defineTable<HeldInformationBlock, 'updatedAt'>({
  table: 'information_blocks',
  key: ['idnr'],
  columns: {
    idnr: text('idnr'),
    kind: nullable(text<InformationBlockKind>('kind', ['AUSKUNFTSSPERRE', 'BEDINGTER_SPERRVERMERK'])),
    validUntil: nullable(date('valid_until')),
    changedAt: epochMillis('changed_at'),
    awaitingRueckmeldungFrom: nullable(text('awaiting_rueckmeldung_from')),
  },
  stamps: { updatedAt: { name: 'updated_at', on: 'write' } },
});

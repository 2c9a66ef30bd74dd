import { EntityManager } from 'typeorm';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { civilStatusRecordsTable } from '@regsync/persistence/register-table-catalog';
import { linkBirthRecordToIdnr } from '@regsync/register-domain/register-rules';

const records = new RegisterStore(civilStatusRecordsTable);

/**
 * The Meldebehörde passes a newborn's IdNr to the Standesamt of the same municipality, in the transaction that
 * stores it in the Melderegister. Not an event: both registers belong to one Verwaltungseinheit (§ 37 BMG), and the
 * BZSt's IdNrAssigned is addressed to the Meldebehörde only (routing-catalog.ts). Nothing to link for a birth this
 * Standesamt did not record.
 */
export async function passIdnrToBirthRecord(manager: EntityManager, birthRegistrationId: string, idnr: string): Promise<void> {
  await records.applyEvents(manager, [{ birthRegistrationId, idnr }], {
    subjectOf: () => ({ birthRegistrationId }),
    reduce: (record) => (!record || record.idnr === idnr ? record : linkBirthRecordToIdnr(record, idnr)),
  });
}

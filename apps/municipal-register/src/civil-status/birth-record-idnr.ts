import { EntityManager } from 'typeorm';
import { linkBirthRecordToIdnr } from '@regsync/register-domain/registers/civil-status';
import { CivilStatusRecordEntity } from './civil-status-record.entity';

/**
 * The Meldebehörde passes a newborn's IdNr to the Standesamt of the same municipality, in the transaction that
 * stores it in the Melderegister. Not an event: both registers belong to one Verwaltungseinheit (§ 37 BMG), and the
 * BZSt's IdNrAssigned is addressed to the Meldebehörde only (routing-catalog.ts). Nothing to link for a birth this
 * Standesamt did not record.
 */
export async function passIdnrToBirthRecord(manager: EntityManager, birthRegistrationId: string, idnr: string): Promise<void> {
  const record = await manager.findOne(CivilStatusRecordEntity, { where: { birthRegistrationId }, lock: { mode: 'pessimistic_write' } });
  if (!record || record.idnr === idnr) return;
  await manager.save(CivilStatusRecordEntity, { ...linkBirthRecordToIdnr(record, idnr), id: record.id, updatedAt: new Date() });
}

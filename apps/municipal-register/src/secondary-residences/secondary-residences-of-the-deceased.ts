import { EntityManager } from 'typeorm';
import type { DeathRecorded } from '@regsync/contracts/generated/events';
import { RegisterStore } from '@regsync/persistence/register-storage';
import { secondaryResidencesTable } from '@regsync/persistence/register-table-catalog';
import { endSecondaryResidenceByDeath } from '@regsync/register-domain/register-rules';

const residences = new RegisterStore(secondaryResidencesTable);

/**
 * A death ends the person's Nebenwohnungen here on the date of death, in the transaction that applies it to the
 * Melderegister's residents (the same register). Returns the IdNrs whose Nebenwohnung it ended, so that a death of a
 * person who holds only a Nebenwohnung here is logged as a stored transfer too.
 */
export async function endSecondaryResidencesOfTheDeceased(manager: EntityManager, deaths: readonly DeathRecorded[]): Promise<Set<string>> {
  const held = await residences.readBy(manager, 'idnr', [...new Set(deaths.map(({ idnr }) => idnr))]);
  const endings = deaths.flatMap((death) => held.filter(({ idnr }) => idnr === death.idnr).map(({ dwelling }) => ({ death, dwelling })));
  const applied = await residences.applyEvents(manager, endings, {
    subjectOf: ({ death, dwelling }) => ({ idnr: death.idnr, dwelling }),
    reduce: (existing, { death }) => endSecondaryResidenceByDeath(existing, death),
  });
  return new Set(endings.filter((_, index) => applied.changed[index]).map(({ death }) => death.idnr));
}

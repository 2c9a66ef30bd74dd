import type { NamesRestated } from '@regsync/contracts/generated/events';

export type RestatedNames = Pick<NamesRestated, 'familyName' | 'givenNames'>;

/**
 * A drift repair of a replica's names (NamesRestated): the Standesamt's current names replace the ones held, also of a
 * deceased person, since it corrects the record rather than reporting a change in the person's life. Names alone do
 * not make a person known: undefined when the replica does not hold them (a residence repair brings the whole record).
 */
export function restateNames<T extends RestatedNames>(existing: T | undefined, names: RestatedNames): T | undefined {
  if (!existing) return undefined;
  return { ...existing, familyName: names.familyName, givenNames: names.givenNames };
}

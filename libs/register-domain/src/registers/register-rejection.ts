import { formatCalendarDate } from '../calendar-date';

/**
 * A change a register refuses for a reason other than malformed input (e.g. the subject is deceased).
 * The HTTP edge answers 409 with the code; the event consumer dead-letters the event with the code.
 */
export class RegisterRejection extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = new.target.name;
  }
}

/** "Deceased is final": nothing recorded after a death may change the record again (an agency's request, a second death). */
export function rejectIfDeceased(record: { status: string } | undefined | null, subject: string): void {
  if (record?.status === 'DECEASED') throw deceased(subject);
}

// What a death itself sets; an event about the person's life is compared on everything else.
const SET_BY_DEATH = new Set(['status', 'dateOfDeath', 'placeOfDeath']);

/**
 * "Deceased is final" for an event of another sender, which has an order of its own and may arrive after the death.
 * `next` is what the event would make of the record by the register's usual rules, `effectiveOn` the day it reports.
 * An event about the time before the day of death still completes the record (it stays deceased); one from the day of
 * death on is no error if it changes nothing the register holds about the person's life (the Rückmeldung of the move
 * it knows), and is refused if it would (a registration after the death). The fault suite's flows dead-lettered such
 * late Rückmeldungen and registrations as if they were wrong.
 */
export function unlessDeceased<T extends { status: string; dateOfDeath: string | null }>(existing: T | undefined, subject: string, next: T | undefined, effectiveOn: Date): T | undefined {
  if (existing?.status !== 'DECEASED' || next === undefined) return next;
  const fields = new Set([...Object.keys(existing), ...Object.keys(next)].filter((field) => !SET_BY_DEATH.has(field)));
  if (![...fields].some((field) => JSON.stringify(existing[field as keyof T]) !== JSON.stringify(next[field as keyof T]))) return undefined;
  if (existing.dateOfDeath === null || formatCalendarDate(effectiveOn) >= existing.dateOfDeath) throw deceased(subject);
  return { ...next, ...Object.fromEntries(Object.entries(existing).filter(([field]) => SET_BY_DEATH.has(field))) };
}

function deceased(subject: string): RegisterRejection {
  return new RegisterRejection('subject-deceased', `${subject} is recorded as deceased; later changes are not applied`);
}

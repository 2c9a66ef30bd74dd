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
 * "Deceased is final" for an event of another sender, which has an order of its own and may arrive after the death:
 * `next` is what the event would make of the record by the register's usual rules. If that changes nothing the
 * register holds about the person's life (the event is older than what it holds, or confirms the same move), the
 * event is no error and the record stays as it is (undefined); if it would change something, it is refused. The fault
 * suite's flows dead-lettered such late Rückmeldungen and registrations as if they were wrong.
 */
export function unlessDeceased<T extends { status: string }>(existing: T | undefined, subject: string, next: T | undefined): T | undefined {
  if (existing?.status !== 'DECEASED') return next;
  if (next === undefined) return undefined;
  const fields = new Set([...Object.keys(existing), ...Object.keys(next)].filter((field) => !SET_BY_DEATH.has(field)));
  const changes = [...fields].some((field) => JSON.stringify(existing[field as keyof T]) !== JSON.stringify(next[field as keyof T]));
  if (changes) throw deceased(subject);
  return undefined;
}

function deceased(subject: string): RegisterRejection {
  return new RegisterRejection('subject-deceased', `${subject} is recorded as deceased; later changes are not applied`);
}

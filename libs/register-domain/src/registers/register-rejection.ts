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

/** "Deceased is final": nothing recorded after a death may change the record again. */
export function rejectIfDeceased(record: { status: string } | undefined | null, subject: string): void {
  if (record?.status === 'DECEASED') throw new RegisterRejection('subject-deceased', `${subject} is recorded as deceased; later changes are not applied`);
}

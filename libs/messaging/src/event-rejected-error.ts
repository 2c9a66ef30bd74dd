/** A permanent rejection of one event (e.g. `not-authoritative`): dead-lettered at once with this code and reason. */
export class EventRejectedError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = new.target.name;
  }
}

/**
 * A subject version is `epoch · 2^32 + counter`. The epoch is the sending database's (regsync_producer_state); it
 * grows when the relay finds that the database was restored from a backup (outbox-relay.ts), so the events the
 * restored database sends come after every event it sent before, though its counters rolled back. The version stays
 * one number (a long in the envelope, below 2^53 for JavaScript), so "newer" is still `>`.
 */
export const EPOCH_SPAN = 2 ** 32;

export function subjectVersionOf(epoch: number, counter: number): number {
  return epoch * EPOCH_SPAN + counter;
}

export function epochOf(version: number): number {
  return Math.floor(version / EPOCH_SPAN);
}

export function counterOf(version: number): number {
  return version % EPOCH_SPAN;
}

/**
 * Whether `version` is the one right after `previous` (null: none yet): the next counter in the same epoch, or the
 * first counter of a later epoch (a restored producer starts a subject's counting again there).
 */
export function isNextVersion(previous: number | null, version: number): boolean {
  if (version === (previous ?? 0) + 1) return true;
  return counterOf(version) === 1 && (previous === null || epochOf(version) > epochOf(previous));
}

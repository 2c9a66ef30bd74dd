import { DomainValidationError } from '@regsync/register-domain/validation-error';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * The `Idempotency-Key` a client sent, or undefined without one. The draft's value is a string of printable ASCII
 * (RFC 8941 sf-string characters); a UUID is what clients usually send. Refuses an empty, too long or
 * non-printable key with 400 naming the header.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(', ') : header;
  const rule = idempotencyKeyViolation(key);
  if (rule) throw new DomainValidationError(IDEMPOTENCY_KEY_HEADER, rule);
  return key;
}

function idempotencyKeyViolation(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) return `must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`;
  const bad = [...key].findIndex((character) => character < ' ' || character > '~');
  if (bad >= 0) return `must consist of printable ASCII characters (position ${bad + 1} is not)`;
  return undefined;
}

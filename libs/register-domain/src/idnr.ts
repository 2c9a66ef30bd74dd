import { DomainValidationError } from './validation-error';

/**
 * Steuerliche Identifikationsnummer (tax identification number, § 139b AO): 11 digits, no leading 0,
 * in digits 1–10 exactly one digit occurs twice or three times (three times: not all adjacent), every
 * other digit at most once; digit 11 is the ISO 7064 MOD 11,10 check digit.
 */
export function idnrViolation(value: unknown): string | undefined {
  if (typeof value !== 'string' || !/^\d{11}$/.test(value)) return 'must be 11 digits';
  if (value.startsWith('0')) return 'must not start with 0';
  const repetition = repetitionViolation(value.slice(0, 10));
  if (repetition) return `digit repetition rule violated: ${repetition}`;
  if (idnrCheckDigit(value.slice(0, 10)) !== Number(value[10])) return 'check digit does not match';
  return undefined;
}

export function assertIdnr(value: unknown, field = 'idnr'): asserts value is string {
  const rule = idnrViolation(value);
  if (rule) throw new DomainValidationError(field, rule);
}

/** ISO 7064 MOD 11,10 check digit over the first ten digits. */
export function idnrCheckDigit(first10: string): number {
  if (!/^\d{10}$/.test(first10)) throw new DomainValidationError('idnr', 'check digit needs exactly 10 digits');
  let product = 10;
  for (const digit of first10) {
    let sum = (Number(digit) + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

function repetitionViolation(first10: string): string | undefined {
  const counts = new Map<string, number>();
  for (const digit of first10) counts.set(digit, (counts.get(digit) ?? 0) + 1);
  const repeated = [...counts.entries()].filter(([, count]) => count > 1).map(([digit]) => digit).sort();
  if (repeated.length === 0) return 'no digit occurs twice or three times';
  if (repeated.length > 1) return `more than one digit repeats (${repeated.join(', ')})`;
  const [digit] = repeated;
  const count = counts.get(digit) ?? 0;
  if (count > 3) return `digit ${digit} occurs ${count} times (at most 3)`;
  if (count === 3 && first10.includes(digit.repeat(3))) return `digit ${digit} occurs three times in a row`;
  return undefined;
}

import { assertIdnr, idnrCheckDigit, idnrViolation } from './idnr';
import { DomainValidationError } from './validation-error';

/** Appends the correct check digit, so a test isolates the rule it is about. */
const withCheckDigit = (first10: string) => first10 + String(idnrCheckDigit(first10));

describe('idnr', () => {
  it.each(['36574261809', '12345678995'])('accepts the known valid IdNr %s', (idnr) => {
    expect(idnrViolation(idnr)).toBeUndefined();
    expect(() => assertIdnr(idnr)).not.toThrow();
  });

  it('computes the ISO 7064 MOD 11,10 check digit', () => {
    expect(idnrCheckDigit('3657426180')).toBe(9);
    expect(idnrCheckDigit('1234567899')).toBe(5);
  });

  it.each([['3657426180'], ['365742618090'], ['3657426180a'], [''], [36574261809], [null]])(
    'rejects %p as not 11 digits',
    (value) => expect(idnrViolation(value)).toBe('must be 11 digits'),
  );

  it('rejects a leading 0', () => {
    expect(idnrViolation(withCheckDigit('0365742618'))).toBe('must not start with 0');
  });

  it('rejects a wrong check digit', () => {
    expect(idnrViolation('36574261808')).toBe('check digit does not match');
    expect(idnrViolation('12345678990')).toBe('check digit does not match');
  });

  it('rejects ten different digits (no digit repeated)', () => {
    expect(idnrViolation(withCheckDigit('1234567890'))).toBe(
      'digit repetition rule violated: no digit occurs twice or three times',
    );
  });

  it('rejects a digit occurring four times', () => {
    expect(idnrViolation(withCheckDigit('1121314567'))).toBe(
      'digit repetition rule violated: digit 1 occurs 4 times (at most 3)',
    );
  });

  it('rejects three adjacent identical digits', () => {
    expect(idnrViolation(withCheckDigit('1112345678'))).toBe(
      'digit repetition rule violated: digit 1 occurs three times in a row',
    );
  });

  it('accepts a digit three times when not all three are adjacent', () => {
    expect(idnrViolation(withCheckDigit('1121345678'))).toBeUndefined();
  });

  it('rejects two different digits repeated', () => {
    expect(idnrViolation(withCheckDigit('1123345678'))).toBe(
      'digit repetition rule violated: more than one digit repeats (1, 3)',
    );
  });

  it('throws a DomainValidationError naming the given field', () => {
    expect(() => assertIdnr('36574261808', 'ownerIdnrs[0]')).toThrow(
      new DomainValidationError('ownerIdnrs[0]', 'check digit does not match'),
    );
  });
});

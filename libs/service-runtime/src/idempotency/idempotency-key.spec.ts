import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { idempotencyKeyOf } from './idempotency-key';

function refusal(header: string): DomainValidationError {
  try {
    idempotencyKeyOf(header);
  } catch (error) {
    return error as DomainValidationError;
  }
  throw new Error(`${JSON.stringify(header)} was accepted`);
}

describe('the Idempotency-Key header', () => {
  it('is optional, and a UUID or any printable key of up to 255 characters is taken as it is', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(idempotencyKeyOf('"quoted sf-string" ~!')).toBe('"quoted sf-string" ~!');
    expect(idempotencyKeyOf('k'.repeat(255))).toHaveLength(255);
  });

  it('refuses an empty, a too long and a non-printable key, naming the header and the rule', () => {
    expect(refusal('').violations).toEqual([{ field: 'Idempotency-Key', rule: 'must not be empty' }]);
    expect(refusal('k'.repeat(256)).violations).toEqual([{ field: 'Idempotency-Key', rule: 'must be at most 255 characters' }]);
    expect(refusal('ab\tc').violations).toEqual([{ field: 'Idempotency-Key', rule: 'must consist of printable ASCII characters (position 3 is not)' }]);
    expect(refusal('schlüssel').violations[0].rule).toBe('must consist of printable ASCII characters (position 5 is not)');
  });
});

import { DomainValidationError, throwIfViolations, ValidationErrors } from './validation-error';

describe('DomainValidationError', () => {
  it('names the field and the rule in its message', () => {
    const error = new DomainValidationError('idnr', 'check digit does not match');
    expect(error.message).toBe('idnr: check digit does not match');
    expect(error.violations).toEqual([{ field: 'idnr', rule: 'check digit does not match' }]);
  });

  it('reports every violation at once and is still caught as a DomainValidationError', () => {
    const error = new ValidationErrors([
      { field: 'address.postalCode', rule: 'must be 5 digits' },
      { field: 'address.city', rule: 'is required' },
    ]);
    expect(error).toBeInstanceOf(DomainValidationError);
    expect(error.violations).toHaveLength(2);
    expect(error.message).toBe('address.postalCode: must be 5 digits; address.city: is required');
  });

  it('throws nothing for no violations, a single error for one, the collection for several', () => {
    expect(() => throwIfViolations([])).not.toThrow();
    expect(() => throwIfViolations([{ field: 'a', rule: 'x' }])).toThrow(new DomainValidationError('a', 'x'));
    expect(() =>
      throwIfViolations([
        { field: 'a', rule: 'x' },
        { field: 'b', rule: 'y' },
      ]),
    ).toThrow(ValidationErrors);
  });
});

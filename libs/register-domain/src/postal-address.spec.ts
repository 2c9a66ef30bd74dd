import { assertPostalAddress, postalAddressViolations } from './postal-address';
import { DomainValidationError, ValidationErrors } from './validation-error';

const valid = { street: 'Hauptstraße', houseNumber: '12a', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };

describe('postal address', () => {
  it('accepts a complete address in a served municipality', () => {
    expect(postalAddressViolations(valid)).toEqual([]);
    expect(() => assertPostalAddress(valid)).not.toThrow();
  });

  it('names the field path of the broken rule', () => {
    expect(() => assertPostalAddress({ ...valid, postalCode: '4907' }, 'previousAddress')).toThrow(
      new DomainValidationError('previousAddress.postalCode', 'must be 5 digits'),
    );
  });

  it('reports every problem at once', () => {
    const violations = postalAddressViolations({ street: '  ', postalCode: 'abcde', city: 'x'.repeat(101), municipalityKey: '14511000' });
    expect(violations).toEqual([
      { field: 'address.street', rule: 'must not be empty' },
      { field: 'address.houseNumber', rule: 'is required' },
      { field: 'address.postalCode', rule: 'must be 5 digits' },
      { field: 'address.city', rule: 'must be at most 100 characters' },
      { field: 'address.municipalityKey', rule: 'unknown municipality' },
    ]);
    expect(() => assertPostalAddress({ ...valid, street: '', city: '' })).toThrow(ValidationErrors);
  });

  it('refuses a postal code that does not exist and a street outside DIN 91379, with the position of the bad character', () => {
    expect(postalAddressViolations({ ...valid, street: 'Haupt\u202Estraße', postalCode: '00000' })).toEqual([
      { field: 'address.street', rule: expect.stringMatching(/^character U\+202E at position 6 is not allowed: must consist of DIN 91379 data type B/) },
      { field: 'address.postalCode', rule: '00000 is not a German postal code (Deutsche Post list, package german-postal-codes)' },
    ]);
  });

  it('rejects a missing address as a whole', () => {
    expect(postalAddressViolations(undefined, 'residence')).toEqual([{ field: 'residence', rule: 'is required' }]);
  });
});

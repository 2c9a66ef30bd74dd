import { agsFormatViolation, agsViolation, assertAgs, landOfAgs } from './ags';
import { KNOWN_MUNICIPALITIES, municipalityName, serveMunicipalities } from './known-municipalities';
import { LAND_NAMES } from './land-code';
import { DomainValidationError } from './validation-error';

describe('ags', () => {
  it.each(Object.keys(KNOWN_MUNICIPALITIES))('accepts the served municipality %s', (ags) => {
    expect(agsViolation(ags)).toBeUndefined();
  });

  it.each([['1461200'], ['146120000'], ['1461200a'], [14612000], [undefined]])('rejects %p as not 8 digits', (v) =>
    expect(agsViolation(v)).toBe('must be 8 digits'),
  );

  it('rejects an AGS whose Land code does not exist', () => {
    expect(agsViolation('17000000')).toBe('unknown Land code 17');
    expect(agsViolation('00000000')).toBe('unknown Land code 00');
  });

  it('rejects a well-formed AGS of a municipality regsync does not serve', () => {
    // 14511000 is Chemnitz: real, but not configured.
    expect(agsFormatViolation('14511000')).toBeUndefined();
    expect(agsViolation('14511000')).toBe('unknown municipality');
    expect(() => assertAgs('14511000', 'address.municipalityKey')).toThrow(
      new DomainValidationError('address.municipalityKey', 'unknown municipality'),
    );
  });

  it("accepts a municipality the deployment serves beyond the table once served, and no other", () => {
    // 09780139: well-formed, in no table; only this test serves it.
    expect(agsViolation('09780139')).toBe('unknown municipality');
    serveMunicipalities(['09780139']);
    expect(agsViolation('09780139')).toBeUndefined();
    expect(agsViolation('09780140')).toBe('unknown municipality');
  });

  it('derives the Land from the first two digits', () => {
    expect(landOfAgs('03404000')).toBe('03');
    expect(LAND_NAMES[landOfAgs('14612000')]).toBe('Sachsen');
    expect(() => landOfAgs('9162000')).toThrow(DomainValidationError);
  });

  it('names the demo municipalities', () => {
    expect(municipalityName('03404000')).toBe('Osnabrück');
    expect(municipalityName('14713000')).toBe('Leipzig');
    expect(municipalityName('14511000')).toBeUndefined();
  });
});

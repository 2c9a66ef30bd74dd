import { assertParcelId, formatParcelId, landOfParcel, parcelIdViolation } from './parcel-id';
import { DomainValidationError } from './validation-error';

describe('parcel id (Flurstückskennzeichen)', () => {
  it('accepts a parcel without and with Nenner', () => {
    expect(parcelIdViolation('14612300100012______')).toBeUndefined();
    expect(parcelIdViolation('034041002004560003__')).toBeUndefined();
  });

  it('formats parts into the 20-character form', () => {
    expect(formatParcelId({ land: '14', gemarkung: 6123, flur: 1, zaehler: 12 })).toBe('14612300100012______');
    expect(formatParcelId({ land: '03', gemarkung: '4041', flur: 2, zaehler: 456, nenner: 3 })).toBe(
      '034041002004560003__',
    );
  });

  it('takes the Land from the first two characters', () => {
    expect(landOfParcel('14612300100012______')).toBe('14');
    expect(() => landOfParcel('99612300100012______')).toThrow(DomainValidationError);
  });

  it.each([
    ['1461230010001______', 'must be 20 characters'],
    ['17612300100012______', 'unknown Land code 17'],
    ['14612300000012______', 'Flur must not be 0'],
    ['14612300100000______', 'Zähler must not be 0'],
    ['146123001000120000__', 'Nenner must not be 0 (use ____ when there is none)'],
    ['1461230010001a______', 'must be Land(2) Gemarkung(4) Flur(3) Zähler(5) digits, Nenner(4 digits or ____) and __'],
    ['14612300100012__1___', 'must be Land(2) Gemarkung(4) Flur(3) Zähler(5) digits, Nenner(4 digits or ____) and __'],
  ])('rejects %s: %s', (parcelId, rule) => {
    expect(parcelIdViolation(parcelId)).toBe(rule);
    expect(() => assertParcelId(parcelId)).toThrow(new DomainValidationError('parcelId', rule));
  });

  it('refuses to format parts that do not make a valid parcel id', () => {
    expect(() => formatParcelId({ land: '14', gemarkung: 61234, flur: 1, zaehler: 12 })).toThrow(DomainValidationError);
  });
});

import { normalizedEventText } from './event-text';

const address = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };

describe('text of an event', () => {
  it('passes every text on in NFC, nested addresses and arrays included, and leaves dates alone', () => {
    const dateOfBirth = new Date(Date.UTC(1990, 2, 14));
    const { payload, violations } = normalizedEventText({ familyName: 'Mu\u0308ller', dateOfBirth, address: { ...address, city: 'Osnabru\u0308ck' }, parentIdnrs: ['12345678995'] });
    expect(violations).toEqual([]);
    expect(payload).toEqual({ familyName: 'Müller', dateOfBirth, address: { ...address, city: 'Osnabrück' }, parentIdnrs: ['12345678995'] });
  });

  it('names the field path, the rule and the position of each text outside DIN 91379', () => {
    const { violations } = normalizedEventText({ givenNames: 'Anna\u202E', previousAddress: { ...address, street: 'Haupt\u0000straße' }, placeOfBirth: 'Dresden' });
    expect(violations.map((violation) => violation.field)).toEqual(['givenNames', 'previousAddress.street']);
    expect(violations[0].rule).toMatch(/^character U\+202E at position 5 is not allowed: must consist of DIN 91379 data type A/);
    expect(violations[1].rule).toMatch(/^character U\+0000 at position 6 is not allowed: must consist of DIN 91379 data type B/);
  });

  it('holds names of persons to data type A and places to data type B', () => {
    expect(normalizedEventText({ familyName: 'Schmidt 2', placeOfBirth: 'Frankfurt (Oder)' }).violations.map((violation) => violation.field)).toEqual(['familyName']);
  });
});

import { isRecipientOf } from './baseline-topology';

const anmeldung = (municipalityKey: string, dwellingStatus = 'HAUPTWOHNUNG') => ({
  address: { street: 'Große Straße', houseNumber: '1', postalCode: '49074', city: 'Osnabrück', municipalityKey },
  dwellingStatus,
});

describe('isRecipientOf', () => {
  it('gives a Land mirror the Anmeldungen of its own Land only', () => {
    expect(isRecipientOf({ role: 'land', instanceKey: '03' }, anmeldung('03404000'))).toBe(true);
    expect(isRecipientOf({ role: 'land', instanceKey: '14' }, anmeldung('03404000'))).toBe(false);
  });

  it('gives the BZSt a main dwelling, not a Nebenwohnung, as regsync routes it (§ 139b Abs. 6 AO)', () => {
    expect(isRecipientOf({ role: 'bzst', instanceKey: 'DE' }, anmeldung('14612000'))).toBe(true);
    expect(isRecipientOf({ role: 'bzst', instanceKey: 'DE' }, anmeldung('14612000', 'NEBENWOHNUNG'))).toBe(false);
  });
});

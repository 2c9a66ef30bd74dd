import { applyResidenceToBaseData } from './idnr-base-data';

const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const dresden = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const registration = (address: typeof osnabrueck, movedInOn: string) => ({ idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE' as const, dateOfBirth: day('1990-03-14'), address, movedInOn: day(movedInOn) });

describe('the IdNr base data', () => {
  it('takes over the address of a newer registration', () => {
    const inDresden = applyResidenceToBaseData(applyResidenceToBaseData(undefined, registration(osnabrueck, '2026-01-01')), registration(dresden, '2026-06-01'));
    expect(inDresden).toMatchObject({ address: dresden, movedInOn: '2026-06-01', status: 'ALIVE' });
  });

  it('keeps the newer address, unchanged, when the registration of an older move arrives late', () => {
    const back = applyResidenceToBaseData(undefined, registration(osnabrueck, '2026-06-05'));
    expect(applyResidenceToBaseData(back, registration(dresden, '2026-06-01'))).toBe(back);
  });
});

import { DomainValidationError } from '../validation-error';
import { recordBirth, recordDeath, recordNameChange } from './civil-status';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const anna = { idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE' as const, dateOfBirth: '1990-03-14', maritalStatus: null };

describe('the Personenstandsregister', () => {
  it('certifies a birth with the parents and the name at birth', () => {
    const record = recordBirth('03404000-G-2026-000001', { familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: day('2026-01-02'), placeOfBirth: 'Osnabrück', parentIdnrs: ['12345678995'], residence: osnabrueck });
    expect(record).toMatchObject({ parentIdnrs: ['12345678995'], maritalStatus: 'SINGLE', nameHistory: [{ familyName: 'Weber', reason: 'BIRTH' }] });
  });

  it('records a marriage name with the previous family name and makes the person married', () => {
    const { record, previousFamilyName } = recordNameChange(undefined, anna, { idnr: anna.idnr, familyName: 'Köhler', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: null, effectiveOn: day('2026-06-02') });
    expect(previousFamilyName).toBe('Schmidt');
    expect(record).toMatchObject({ familyName: 'Köhler', maritalStatus: 'MARRIED' });
  });

  it('refuses a death before the birth and any change after a death', () => {
    expect(() => recordDeath(undefined, anna, { idnr: anna.idnr, dateOfDeath: day('1980-01-01'), placeOfDeath: 'X' })).toThrow(DomainValidationError);
    const dead = recordDeath(undefined, anna, { idnr: anna.idnr, dateOfDeath: day('2026-07-01'), placeOfDeath: 'Dresden' });
    expect(() => recordNameChange(dead, anna, { idnr: anna.idnr, familyName: 'Neu', givenNames: 'Anna', reason: 'OTHER', maritalStatus: null, effectiveOn: day('2026-07-02') })).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });
});

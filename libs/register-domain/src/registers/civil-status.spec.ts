import { DomainValidationError } from '../validation-error';
import { linkBirthRecordToIdnr, recordBirth, recordDeath, recordNameChange } from './civil-status';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const anna = { idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE' as const, dateOfBirth: '1990-03-14', maritalStatus: null };

describe('the Personenstandsregister', () => {
  it('certifies a birth with the parents and the name at birth', () => {
    const record = recordBirth('03404000-G-2026-000001', { familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: day('2026-01-02'), placeOfBirth: 'Osnabrück', parentIdnrs: ['12345678995'], residence: osnabrueck });
    expect(record).toMatchObject({ parentIdnrs: ['12345678995'], maritalStatus: 'SINGLE', nameHistory: [{ familyName: 'Weber', reason: 'BIRTH' }] });
  });

  it('links the birth record to the IdNr once assigned, so a later name change continues it with the name history', () => {
    const birth = recordBirth('03404000-G-2026-000001', { familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: day('2026-01-02'), placeOfBirth: 'Osnabrück', parentIdnrs: ['12345678995'], residence: osnabrueck });
    const linked = linkBirthRecordToIdnr(birth, '57396154059');
    expect(linked).toMatchObject({ birthRegistrationId: '03404000-G-2026-000001', idnr: '57396154059' });
    const mia = { idnr: '57396154059', familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE' as const, dateOfBirth: '2026-01-02', maritalStatus: 'SINGLE' as const };
    const { record } = recordNameChange(linked, mia, { idnr: mia.idnr, familyName: 'Weber-Schulz', givenNames: 'Mia', reason: 'NAME_DECLARATION', maritalStatus: null, effectiveOn: day('2026-03-01') });
    expect(record).toMatchObject({ birthRegistrationId: '03404000-G-2026-000001', idnr: mia.idnr, familyName: 'Weber-Schulz', parentIdnrs: ['12345678995'], placeOfBirth: 'Osnabrück', maritalStatus: 'SINGLE' });
    expect(record.nameHistory.map((entry) => `${entry.reason} ${entry.familyName}`)).toEqual(['BIRTH Weber', 'NAME_DECLARATION Weber-Schulz']);
  });

  it('keeps the link when the same IdNr arrives again, and refuses a second, different IdNr', () => {
    const linked = linkBirthRecordToIdnr(recordBirth('b', { familyName: 'W', givenNames: 'M', sex: 'FEMALE', dateOfBirth: day('2026-01-02'), placeOfBirth: 'X', parentIdnrs: [], residence: osnabrueck }), '57396154059');
    expect(linkBirthRecordToIdnr(linked, '57396154059')).toEqual(linked);
    expect(() => linkBirthRecordToIdnr(linked, '36574261809')).toThrow(expect.objectContaining({ code: 'idnr-conflict' }));
  });

  it('records a marriage name with the previous family name and makes the person married', () => {
    const { record, previousFamilyName } = recordNameChange(undefined, anna, { idnr: anna.idnr, familyName: 'Köhler', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: null, effectiveOn: day('2026-06-02') });
    expect(previousFamilyName).toBe('Schmidt');
    expect(record).toMatchObject({ familyName: 'Köhler', maritalStatus: 'MARRIED' });
  });

  it('refuses a name change effective before the birth, naming both dates', () => {
    expect(() => recordNameChange(undefined, anna, { idnr: anna.idnr, familyName: 'Köhler', givenNames: 'Anna', reason: 'MARRIAGE', maritalStatus: null, effectiveOn: day('0001-01-01') })).toThrow(
      new DomainValidationError('effectiveOn', '0001-01-01 is before the date of birth 1990-03-14'),
    );
  });

  it('refuses a death before the birth and any change after a death', () => {
    expect(() => recordDeath(undefined, anna, { idnr: anna.idnr, dateOfDeath: day('1980-01-01'), placeOfDeath: 'X' })).toThrow(new DomainValidationError('dateOfDeath', '1980-01-01 is before the date of birth 1990-03-14'));
    const dead = recordDeath(undefined, anna, { idnr: anna.idnr, dateOfDeath: day('2026-07-01'), placeOfDeath: 'Dresden' });
    expect(() => recordNameChange(dead, anna, { idnr: anna.idnr, familyName: 'Neu', givenNames: 'Anna', reason: 'OTHER', maritalStatus: null, effectiveOn: day('2026-07-02') })).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });
});

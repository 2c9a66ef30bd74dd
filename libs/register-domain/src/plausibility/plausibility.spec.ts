import { parseCalendarDate } from '../calendar-date';
import { dateOfBirthViolation, EARLIEST_DATE_OF_BIRTH } from './date-of-birth';
import { eventPlausibilityViolations } from './event-plausibility';
import { beforeBirthViolation, birthPlausibilityViolations, residencePlausibilityViolations } from './person-plausibility';
import { postalCodeViolation } from './postal-code';

const day = parseCalendarDate;
const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const dresden = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };
const residence = { dateOfBirth: day('1990-03-14'), movedInOn: day('2018-04-01'), address: dresden, previousAddress: osnabrueck };

describe('plausibility', () => {
  it('refuses a date of birth before 1890-01-01 and says why, also for the year 1', () => {
    expect(EARLIEST_DATE_OF_BIRTH).toBe('1890-01-01');
    expect(dateOfBirthViolation(day('1850-01-01'))).toBe('1850-01-01 is before the earliest accepted date of birth 1890-01-01');
    expect(dateOfBirthViolation(day('0001-01-01'))).toBe('0001-01-01 is before the earliest accepted date of birth 1890-01-01');
    expect(dateOfBirthViolation(day('1890-01-01'))).toBeUndefined();
  });

  it('refuses a postal code that does not exist, accepts one that does', () => {
    expect(postalCodeViolation('00000')).toBe('00000 is not a German postal code (Deutsche Post list, package german-postal-codes)');
    expect(postalCodeViolation('99999')).toMatch(/is not a German postal code/);
    expect(postalCodeViolation('4907')).toBe('must be 5 digits');
    for (const code of ['49074', '01099', '30161', '10115']) expect(postalCodeViolation(code)).toBeUndefined();
  });

  it('accepts a plausible Anmeldung, including a newborn registered on the day of birth', () => {
    expect(residencePlausibilityViolations(residence)).toEqual([]);
    expect(residencePlausibilityViolations({ ...residence, movedInOn: residence.dateOfBirth, previousAddress: null })).toEqual([]);
  });

  it('refuses a move-in before the birth and a previous address equal to the new one (also in another Unicode form)', () => {
    expect(residencePlausibilityViolations({ ...residence, movedInOn: day('1989-12-31'), previousAddress: { ...dresden, street: 'Ko\u0308nigsbru\u0308cker Straße' } })).toEqual([
      { field: 'movedInOn', rule: '1989-12-31 is before the date of birth 1990-03-14' },
      { field: 'previousAddress', rule: 'must differ from the new address (a move within one address is no Anmeldung)' },
    ]);
    expect(residencePlausibilityViolations({ ...residence, previousAddress: { ...dresden, houseNumber: '5b' } })).toEqual([]);
  });

  it('refuses the same parent twice and an implausible date of birth of a birth', () => {
    expect(birthPlausibilityViolations({ dateOfBirth: day('2026-01-02'), parentIdnrs: ['12345678995', '36574261809'] })).toEqual([]);
    expect(birthPlausibilityViolations({ dateOfBirth: day('1850-01-01'), parentIdnrs: ['12345678995', '12345678995'] })).toEqual([
      { field: 'dateOfBirth', rule: '1850-01-01 is before the earliest accepted date of birth 1890-01-01' },
      { field: 'parentIdnrs', rule: 'must name two different parents, not one parent twice' },
    ]);
  });

  it('refuses a change effective before the birth, accepts one on the day of birth', () => {
    expect(beforeBirthViolation(day('1990-03-13'), '1990-03-14')).toBe('1990-03-13 is before the date of birth 1990-03-14');
    expect(beforeBirthViolation(day('1990-03-14'), day('1990-03-14'))).toBeUndefined();
  });

  it('applies the same rules to the events, and none that depend on the day of checking', () => {
    expect(eventPlausibilityViolations('ResidenceRegistered', { ...residence, movedInOn: day('1980-01-01') })).toEqual([{ field: 'movedInOn', rule: '1980-01-01 is before the date of birth 1990-03-14' }]);
    expect(eventPlausibilityViolations('BirthRecorded', { dateOfBirth: day('2026-01-02'), parentIdnrs: ['12345678995', '12345678995'] })).toHaveLength(1);
    expect(eventPlausibilityViolations('IdNrRequested', { dateOfBirth: day('1850-01-01') })).toHaveLength(1);
    // a postal code dropped from the list later must not make a replay refuse the event
    expect(eventPlausibilityViolations('ResidenceRegistered', { ...residence, address: { ...dresden, postalCode: '00000' } })).toEqual([]);
    expect(eventPlausibilityViolations('DeathRecorded', { dateOfDeath: day('1850-01-01') })).toEqual([]);
  });
});

import { httpErrorOf } from '@regsync/service-runtime/agency-api';
import { recordBirthRequest } from './civil-status.requests';

const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const birth = { familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: '2026-01-02', placeOfBirth: 'Osnabrück', parentIdnrs: ['12345678995', '36574261809'], residence: osnabrueck };

function violationsOf(body: Record<string, unknown>) {
  const result = recordBirthRequest.safeParse(body);
  return result.success ? [] : httpErrorOf(result.error).body.violations;
}

describe('recordBirth request', () => {
  it('accepts a birth with two different parents and stores decomposed names composed', () => {
    expect(violationsOf(birth)).toEqual([]);
    expect(recordBirthRequest.parse({ ...birth, familyName: 'Nguye\u0302\u0303n' }).familyName).toBe('Nguyễn');
  });

  it('refuses the same parent twice and a date of birth before 1890', () => {
    expect(violationsOf({ ...birth, parentIdnrs: ['12345678995', '12345678995'] })).toEqual([{ field: 'parentIdnrs', rule: 'must name two different parents, not one parent twice' }]);
    expect(violationsOf({ ...birth, dateOfBirth: '1850-01-01' })).toEqual([{ field: 'dateOfBirth', rule: '1850-01-01 is before the earliest accepted date of birth 1890-01-01' }]);
  });
});

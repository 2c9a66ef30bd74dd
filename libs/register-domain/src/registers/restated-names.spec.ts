import { restateNames } from './restated-names';

describe('restateNames', () => {
  const held = { idnr: '36574261809', familyName: 'Schmidd', givenNames: 'Ana', status: 'DECEASED', maritalStatus: 'MARRIED' };

  it('replaces the names held and keeps everything else, also of a deceased person', () => {
    expect(restateNames(held, { familyName: 'Schmidt', givenNames: 'Anna Maria' })).toEqual({ ...held, familyName: 'Schmidt', givenNames: 'Anna Maria' });
  });

  it('makes nobody known from names alone', () => {
    expect(restateNames(undefined, { familyName: 'Schmidt', givenNames: 'Anna Maria' })).toBeUndefined();
  });
});

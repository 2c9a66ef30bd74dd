import { applyMovedOutToStateResident, applyResidenceToStateResident, recordStateResidentDeath } from './state-residents';

const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
const hannover = { street: 'Lister Meile', houseNumber: '3', postalCode: '30161', city: 'Hannover', municipalityKey: '03241001' };
const dresden = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const registration = (address: typeof osnabrueck, previousAddress: typeof osnabrueck | null) => ({
  idnr: '36574261809',
  familyName: 'Schmidt',
  givenNames: 'Anna',
  sex: 'FEMALE' as const,
  dateOfBirth: day('1990-03-14'),
  address,
  movedInOn: day('2026-06-01'),
  previousAddress,
});
const movedOut = (to: string) => ({ idnr: '36574261809', movedOutOn: day('2026-06-01'), fromMunicipalityKey: '03404000', toMunicipalityKey: to });

describe('the Landesmelderegister', () => {
  const niedersachsen = applyResidenceToStateResident(undefined, registration(osnabrueck, null), '03')!;

  it('adds a person registering in one of its municipalities', () => {
    expect(niedersachsen).toMatchObject({ status: 'RESIDENT', address: osnabrueck });
    expect(applyResidenceToStateResident(undefined, registration(dresden, osnabrueck), '14')).toMatchObject({ status: 'RESIDENT', address: dresden });
  });

  it('marks a person moved away when they register in another Land or the Rückmeldung says so', () => {
    expect(applyResidenceToStateResident(niedersachsen, registration(dresden, osnabrueck), '03')).toMatchObject({ status: 'MOVED_AWAY', movedAwayTo: '14612000' });
    expect(applyMovedOutToStateResident(niedersachsen, movedOut('14612000'), '03')).toMatchObject({ status: 'MOVED_AWAY', movedAwayTo: '14612000' });
  });

  it('keeps a move between two of its own municipalities as a change of address only', () => {
    const inHannover = applyResidenceToStateResident(niedersachsen, registration(hannover, osnabrueck), '03')!;
    expect(applyMovedOutToStateResident(inHannover, movedOut('03241001'), '03')).toBe(inHannover);
    expect(inHannover).toMatchObject({ status: 'RESIDENT', address: hannover });
  });

  it('ignores a registration elsewhere of a person it never held', () => {
    expect(applyResidenceToStateResident(undefined, registration(dresden, osnabrueck), '03')).toBeUndefined();
  });

  it('rejects a registration after the death with subject-deceased', () => {
    const dead = recordStateResidentDeath(niedersachsen, { idnr: '36574261809', dateOfDeath: day('2026-07-01') });
    expect(() => applyResidenceToStateResident(dead, registration(hannover, osnabrueck), '03')).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it('marks a former resident who died in another Land deceased, so a later registration in the Land cannot resurrect them', () => {
    const movedAway = applyResidenceToStateResident(niedersachsen, registration(dresden, osnabrueck), '03');
    const dead = recordStateResidentDeath(movedAway, { idnr: '36574261809', dateOfDeath: day('2026-07-01') });
    expect(dead).toMatchObject({ status: 'DECEASED', dateOfDeath: '2026-07-01', movedAwayTo: '14612000', address: osnabrueck });
    expect(() => applyResidenceToStateResident(dead, registration(hannover, dresden), '03')).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it('stores nothing for the death of a person it never held', () => {
    expect(recordStateResidentDeath(undefined, { idnr: '36574261809', dateOfDeath: day('2026-07-01') })).toBeUndefined();
  });
});

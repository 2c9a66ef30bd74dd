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
  dwellingStatus: 'HAUPTWOHNUNG' as const,
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

  it('keeps a person whose move away arrives before their registration in the Land as moved away, and the late registration does not undo it', () => {
    const movedAwayFirst = applyResidenceToStateResident(undefined, registration(dresden, osnabrueck), '03')!;
    expect(movedAwayFirst).toMatchObject({ status: 'MOVED_AWAY', address: osnabrueck, movedInOn: null, movedAwayTo: '14612000', movedAwayOn: '2026-06-01' });
    const lateRegistration = { ...registration(osnabrueck, null), movedInOn: day('2020-01-01') };
    expect(applyResidenceToStateResident(movedAwayFirst, lateRegistration, '03')).toMatchObject({ status: 'MOVED_AWAY', address: osnabrueck, movedInOn: '2020-01-01', movedAwayTo: '14612000' });
  });

  it('ignores a registration elsewhere of a person who did not come from the Land', () => {
    expect(applyResidenceToStateResident(undefined, registration(dresden, null), '03')).toBeUndefined();
  });

  it('keeps a person who moved away and came back resident when the MovedOut of the first move arrives late', () => {
    const back = applyResidenceToStateResident(niedersachsen, { ...registration(osnabrueck, dresden), movedInOn: day('2026-06-05') }, '03')!;
    expect(applyMovedOutToStateResident(back, movedOut('14612000'), '03')).toBe(back);
    expect(applyResidenceToStateResident(back, registration(dresden, osnabrueck), '03')).toBe(back);
    expect(back).toMatchObject({ status: 'RESIDENT', address: osnabrueck, movedInOn: '2026-06-05', movedAwayTo: null });
  });

  it('rejects a registration after the death with subject-deceased', () => {
    const dead = recordStateResidentDeath(niedersachsen, { idnr: '36574261809', dateOfDeath: day('2026-07-01') });
    expect(() => applyResidenceToStateResident(dead, { ...registration(hannover, osnabrueck), movedInOn: day('2026-07-01') }, '03')).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it("takes another sender's late event about a deceased person as no error when it changes nothing the Land holds, and refuses one that would", () => {
    const settled = { ...registration(osnabrueck, null), movedInOn: day('2018-04-01') };
    const movedAway = applyResidenceToStateResident(applyResidenceToStateResident(undefined, settled, '03'), registration(dresden, osnabrueck), '03');
    const dead = recordStateResidentDeath(movedAway, { idnr: '36574261809', dateOfDeath: day('2026-07-01') });
    // The Rückmeldung of the move the Land knows, and the first registration in the Land, arriving after the death.
    expect(applyMovedOutToStateResident(dead, movedOut('14612000'), '03')).toBeUndefined();
    expect(applyResidenceToStateResident(dead, settled, '03')).toBeUndefined();
    expect(() => applyResidenceToStateResident(dead, { ...registration(hannover, dresden), movedInOn: day('2026-07-01') }, '03')).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it('completes a deceased former resident from a late registration about the time before the death, who stays deceased', () => {
    // Known only from the registration elsewhere (the previous address), then the death; the first registration comes last.
    const former = applyResidenceToStateResident(undefined, registration(dresden, osnabrueck), '03');
    const dead = recordStateResidentDeath(former, { idnr: '36574261809', dateOfDeath: day('2026-07-01') });
    const completed = applyResidenceToStateResident(dead, { ...registration(osnabrueck, null), movedInOn: day('2018-04-01') }, '03');
    expect(completed).toMatchObject({ status: 'DECEASED', dateOfDeath: '2026-07-01', movedInOn: '2018-04-01', movedAwayTo: '14612000', address: osnabrueck });
  });

  it('marks a former resident who died in another Land deceased, so a later registration in the Land cannot resurrect them', () => {
    const movedAway = applyResidenceToStateResident(niedersachsen, registration(dresden, osnabrueck), '03');
    const dead = recordStateResidentDeath(movedAway, { idnr: '36574261809', dateOfDeath: day('2026-07-01') });
    expect(dead).toMatchObject({ status: 'DECEASED', dateOfDeath: '2026-07-01', movedAwayTo: '14612000', address: osnabrueck });
    expect(() => applyResidenceToStateResident(dead, { ...registration(hannover, dresden), movedInOn: day('2026-07-01') }, '03')).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it('stores nothing for the death of a person it never held', () => {
    expect(recordStateResidentDeath(undefined, { idnr: '36574261809', dateOfDeath: day('2026-07-01') })).toBeUndefined();
  });
});

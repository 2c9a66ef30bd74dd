import { RegisterRejection } from './register-rejection';
import { changeResidentName, moveIn, moveOut, recordResidentDeath, residentFromBirth, assignIdnrToResident } from './residents';

const osnabrueck = { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' };
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

describe('the Melderegister', () => {
  it('registers a newborn at the residence from the birth, without an IdNr, and stores it when assigned', () => {
    const child = residentFromBirth({ birthRegistrationId: '03404000-G-2026-000001', familyName: 'Weber', givenNames: 'Mia', sex: 'FEMALE', dateOfBirth: day('2026-01-02'), placeOfBirth: 'Osnabrück', residence: osnabrueck });
    expect(child).toMatchObject({ idnr: null, status: 'RESIDENT', movedInOn: '2026-01-02', address: osnabrueck, dwellingStatus: 'HAUPTWOHNUNG' });
    expect(assignIdnrToResident(child, '57396154059').idnr).toBe('57396154059');
  });

  it('refuses a second, different IdNr for the same child', () => {
    const child = { ...residentFromBirth({ birthRegistrationId: 'b', familyName: 'W', givenNames: 'M', sex: 'FEMALE', dateOfBirth: day('2026-01-02'), placeOfBirth: 'X', residence: osnabrueck }), idnr: '57396154059' };
    expect(() => assignIdnrToResident(child, '36574261809')).toThrow(RegisterRejection);
  });

  it("keeps the dwelling's status of the Anmeldung, also when the same person registers again", () => {
    const nebenwohnung = moveIn(undefined, { ...registration(osnabrueck, null), dwellingStatus: 'NEBENWOHNUNG' }, '03404000');
    expect(nebenwohnung.dwellingStatus).toBe('NEBENWOHNUNG');
    expect(moveIn(nebenwohnung, registration(osnabrueck, null), '03404000').dwellingStatus).toBe('HAUPTWOHNUNG');
  });

  it('marks the person moved out on the day they moved in elsewhere (Rückmeldung)', () => {
    const resident = moveIn(undefined, registration(osnabrueck, null), '03404000');
    expect(moveOut(resident, registration(dresden, osnabrueck))).toMatchObject({ status: 'MOVED_OUT', movedOutOn: '2026-06-01', movedOutTo: '14612000' });
  });

  it('ignores a late Rückmeldung of a move the person has undone by registering here again', () => {
    const movedAway = moveOut(moveIn(undefined, registration(osnabrueck, null), '03404000'), registration(dresden, osnabrueck))!;
    const back = moveIn(movedAway, { ...registration(osnabrueck, dresden), movedInOn: day('2026-06-05') }, '03404000');
    expect(back).toMatchObject({ status: 'RESIDENT', movedInOn: '2026-06-05', movedOutOn: null });
    expect(moveOut(back, registration(dresden, osnabrueck))).toBeUndefined();
    const registeredBackFirst = moveIn(moveIn(undefined, { ...registration(osnabrueck, null), movedInOn: day('2020-01-01') }, '03404000'), { ...registration(osnabrueck, dresden), movedInOn: day('2026-06-05') }, '03404000');
    expect(moveOut(registeredBackFirst, registration(dresden, osnabrueck))).toBeUndefined();
  });

  it('keeps a person moved out when a registration dated before the move away is entered late', () => {
    const movedAway = moveOut(moveIn(undefined, { ...registration(osnabrueck, null), movedInOn: day('2020-01-01') }, '03404000'), registration(dresden, osnabrueck))!;
    const late = moveIn(movedAway, { ...registration({ ...osnabrueck, houseNumber: '14' }, null), movedInOn: day('2024-01-01') }, '03404000');
    expect(late).toMatchObject({ status: 'MOVED_OUT', movedOutOn: '2026-06-01', movedOutTo: '14612000', movedInOn: '2024-01-01', address: { houseNumber: '14' } });
  });

  it('has nothing to mark for a person it never held', () => {
    expect(moveOut(undefined, registration(dresden, osnabrueck))).toBeUndefined();
  });

  it('refuses a registration whose address lies in another municipality', () => {
    expect(() => moveIn(undefined, registration(dresden, null), '03404000')).toThrow(/wrong-municipality/);
  });

  it('rejects every change after the death with subject-deceased', () => {
    const dead = recordResidentDeath(moveIn(undefined, registration(osnabrueck, null), '03404000'), { idnr: '36574261809', dateOfDeath: day('2026-07-01'), placeOfDeath: 'Osnabrück' })!;
    expect(dead.status).toBe('DECEASED');
    const attempts = [
      () => moveIn(dead, registration(osnabrueck, null), '03404000'),
      () => moveOut(dead, { ...registration(dresden, osnabrueck), movedInOn: day('2026-07-02') }),
      () => changeResidentName(dead, { idnr: '36574261809', familyName: 'Neu', givenNames: 'Anna', maritalStatus: null, effectiveOn: day('2026-07-02') }),
      () => recordResidentDeath(dead, { idnr: '36574261809', dateOfDeath: day('2026-07-02'), placeOfDeath: 'Osnabrück' }),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it('marks a former resident deceased too, so the former residence refuses a later registration or Rückmeldung', () => {
    const movedAway = moveOut(moveIn(undefined, registration(osnabrueck, null), '03404000'), registration(dresden, osnabrueck))!;
    const dead = recordResidentDeath(movedAway, { idnr: '36574261809', dateOfDeath: day('2026-07-01'), placeOfDeath: 'Dresden' });
    expect(dead).toMatchObject({ status: 'DECEASED', dateOfDeath: '2026-07-01', placeOfDeath: 'Dresden', movedOutTo: '14612000', address: osnabrueck });
    expect(() => moveIn(dead, registration(osnabrueck, dresden), '03404000')).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
    expect(() => moveOut(dead, { ...registration(dresden, osnabrueck), movedInOn: day('2026-07-02') })).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it("takes another sender's late event that changes nothing it holds (the Rückmeldung of the move it knows) as no error", () => {
    const movedAway = moveOut(moveIn(undefined, registration(osnabrueck, null), '03404000'), registration(dresden, osnabrueck))!;
    const dead = recordResidentDeath(movedAway, { idnr: '36574261809', dateOfDeath: day('2026-07-01'), placeOfDeath: 'Dresden' });
    expect(moveOut(dead, registration(dresden, osnabrueck))).toBeUndefined();
    expect(changeResidentName(dead, { idnr: '36574261809', familyName: 'Schmidt', givenNames: 'Anna', maritalStatus: null, effectiveOn: day('2026-07-01') })).toBeUndefined();
    expect(() => changeResidentName(dead, { idnr: '36574261809', familyName: 'Köhler', givenNames: 'Anna', maritalStatus: null, effectiveOn: day('2026-07-01') })).toThrow(expect.objectContaining({ code: 'subject-deceased' }));
  });

  it('has nothing to mark for a death of a person it never held', () => {
    expect(recordResidentDeath(undefined, { idnr: '36574261809', dateOfDeath: day('2026-07-01'), placeOfDeath: 'Dresden' })).toBeUndefined();
  });

  it('has nothing to change for a person it does not hold, e.g. a former resident deleted when the retention ended', () => {
    expect(changeResidentName(undefined, { idnr: '36574261809', familyName: 'Köhler', givenNames: 'Anna', maritalStatus: 'MARRIED', effectiveOn: day('2026-06-15') })).toBeUndefined();
  });

  it('takes over a new name and the marital status from the Standesamt', () => {
    const resident = moveIn(undefined, registration(osnabrueck, null), '03404000');
    expect(changeResidentName(resident, { idnr: '36574261809', familyName: 'Köhler', givenNames: 'Anna', maritalStatus: 'MARRIED', effectiveOn: day('2026-06-15') })).toMatchObject({ familyName: 'Köhler', maritalStatus: 'MARRIED' });
  });
});

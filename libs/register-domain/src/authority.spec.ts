import { authorityViolation } from './authority';
import type { RegisterAddress } from './registers';

const standesamtDresden: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '14612000', register: 'PERSONENSTANDSREGISTER' };
const meldeDresden: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' };
const meldeOsnabrueck: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' };
const landSachsen: RegisterAddress = { level: 'STATE', instanceKey: '14', register: 'LANDESMELDEREGISTER' };
const katasterSachsen: RegisterAddress = { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' };
const katasterNiedersachsen: RegisterAddress = { level: 'STATE', instanceKey: '03', register: 'LIEGENSCHAFTSKATASTER' };
const bzst: RegisterAddress = { level: 'FEDERAL', instanceKey: 'DE', register: 'IDNR_BASISDATEN' };
const grundsteuerDresden: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '14612000', register: 'GRUNDSTEUER' };

const dresdenAddress = { street: 'Prager Straße', houseNumber: '1', postalCode: '01069', city: 'Dresden', municipalityKey: '14612000' };
const parcel = { parcelId: '14612300100012______', municipalityKey: '14612000' };

describe('authorityViolation', () => {
  it.each([
    ['BirthRecorded', standesamtDresden, {}],
    ['NameChanged', standesamtDresden, {}],
    ['DeathRecorded', standesamtDresden, {}],
    ['IdNrRequested', meldeDresden, {}],
    ['InformationBlockSet', meldeDresden, {}],
    ['InformationBlockLifted', meldeDresden, {}],
    ['ResidenceRegistered', meldeDresden, { address: dresdenAddress }],
    ['MovedOut', meldeOsnabrueck, { fromMunicipalityKey: '03404000', toMunicipalityKey: '14612000' }],
    ['IdNrAssigned', bzst, {}],
    ['ParcelRecorded', katasterSachsen, parcel],
    ['ParcelChanged', katasterSachsen, parcel],
    ['PropertyTaxBaseChanged', grundsteuerDresden, parcel],
  ] as const)('accepts %s from its authoritative register', (eventType, source, payload) => {
    expect(authorityViolation(eventType, source, payload)).toBeUndefined();
  });

  it('rejects a name change from the Land with the reason why', () => {
    expect(authorityViolation('NameChanged', landSachsen, {})).toBe(
      'NameChanged must come from a PERSONENSTANDSREGISTER (civil status is authoritative for names); came from STATE 14 LANDESMELDEREGISTER',
    );
  });

  it('rejects a birth recorded by a Melderegister', () => {
    expect(authorityViolation('BirthRecorded', meldeDresden, {})).toMatch(/^BirthRecorded must come from a PERSONENSTANDSREGISTER/);
  });

  it('rejects a residence registration sent by another municipality than the one of the new address', () => {
    expect(authorityViolation('ResidenceRegistered', meldeOsnabrueck, { address: dresdenAddress })).toBe(
      'ResidenceRegistered must come from the MELDEREGISTER of the new address, address.municipalityKey (14612000); came from MUNICIPAL 03404000 MELDEREGISTER',
    );
  });

  it('rejects a move-out sent by a municipality other than the one moved out of', () => {
    expect(
      authorityViolation('MovedOut', meldeDresden, { fromMunicipalityKey: '03404000', toMunicipalityKey: '14612000' }),
    ).toMatch(/^MovedOut must come from the MELDEREGISTER of the municipality moved out of/);
  });

  it('rejects an event whose payload lacks the key the authority depends on', () => {
    expect(authorityViolation('ResidenceRegistered', meldeDresden, {})).toBe(
      'ResidenceRegistered lacks address.municipalityKey, so its authority cannot be checked',
    );
  });

  it("rejects a parcel event from another Land's cadastre", () => {
    expect(authorityViolation('ParcelChanged', katasterNiedersachsen, parcel)).toBe(
      "ParcelChanged must come from the LIEGENSCHAFTSKATASTER of the parcel's Land (14); came from STATE 03 LIEGENSCHAFTSKATASTER",
    );
    expect(authorityViolation('ParcelChanged', katasterSachsen, { parcelId: 'x' })).toBe(
      'ParcelChanged has an invalid parcelId (must be 20 characters), so its authority cannot be checked',
    );
  });

  it('rejects an IdNr assigned by anyone but the federal base-data register', () => {
    expect(authorityViolation('IdNrAssigned', meldeDresden, {})).toMatch(/^IdNrAssigned must come from a IDNR_BASISDATEN/);
    expect(authorityViolation('IdNrAssigned', { ...bzst, instanceKey: '14' }, {})).toBe(
      'IdNrAssigned came from an invalid source FEDERAL 14 IDNR_BASISDATEN: the federal instance key is DE',
    );
  });

  it('rejects the property-tax base of another municipality', () => {
    expect(authorityViolation('PropertyTaxBaseChanged', { ...grundsteuerDresden, instanceKey: '14713000' }, parcel)).toMatch(
      /^PropertyTaxBaseChanged must come from the GRUNDSTEUER of the parcel's municipality/,
    );
  });

  it('rejects an unknown event type', () => {
    expect(authorityViolation('PersonCloned', meldeDresden, {})).toBe(
      'unknown event type PersonCloned: no register is authoritative for it',
    );
  });
});

import { recipientsOf } from './relevance';
import { projectForRecipient } from './routing-catalog';
import type { RegisterAddress, RegisterInstance } from './registers';

const dresden: RegisterInstance = { level: 'MUNICIPAL', instanceKey: '14612000' };
const osnabrueck: RegisterInstance = { level: 'MUNICIPAL', instanceKey: '03404000' };
const leipzig: RegisterInstance = { level: 'MUNICIPAL', instanceKey: '14713000' };
const sachsen: RegisterInstance = { level: 'STATE', instanceKey: '14' };
const niedersachsen: RegisterInstance = { level: 'STATE', instanceKey: '03' };
const bayern: RegisterInstance = { level: 'STATE', instanceKey: '09' };
const federal: RegisterInstance = { level: 'FEDERAL', instanceKey: 'DE' };

const from = (instance: RegisterInstance, register: RegisterAddress['register']): RegisterAddress => ({ ...instance, register });
const address = (municipalityKey: string) => ({ street: 'S', houseNumber: '1', postalCode: '01069', city: 'C', municipalityKey });

// Move from Osnabrück (Niedersachsen) to Dresden (Sachsen), registered in Dresden.
const move = { idnr: '36574261809', address: address('14612000'), previousAddress: address('03404000') };
const moveSource = from(dresden, 'MELDEREGISTER');

describe('recipientsOf', () => {
  describe('a move', () => {
    it('reaches the Melderegister of the municipality moved away from (Rückmeldung)', () => {
      expect(recipientsOf(osnabrueck, 'ResidenceRegistered', move, moveSource)).toEqual(['MELDEREGISTER']);
    });

    it('is not re-applied by the registering municipality, even for a move within it', () => {
      expect(recipientsOf(dresden, 'ResidenceRegistered', move, moveSource)).toEqual([]);
      const withinDresden = { ...move, previousAddress: address('14612000') };
      expect(recipientsOf(dresden, 'ResidenceRegistered', withinDresden, moveSource)).toEqual([]);
    });

    it('is ignored by an uninvolved municipality', () => {
      expect(recipientsOf(leipzig, 'ResidenceRegistered', move, moveSource)).toEqual([]);
    });

    it('updates both Länder and the federal base data, and no other Land', () => {
      expect(recipientsOf(sachsen, 'ResidenceRegistered', move, moveSource)).toEqual(['LANDESMELDEREGISTER']);
      expect(recipientsOf(niedersachsen, 'ResidenceRegistered', move, moveSource)).toEqual(['LANDESMELDEREGISTER']);
      expect(recipientsOf(bayern, 'ResidenceRegistered', move, moveSource)).toEqual([]);
      expect(recipientsOf(federal, 'ResidenceRegistered', move, moveSource)).toEqual(['IDNR_BASISDATEN']);
    });

    it('sends the move-out to the Länder of both ends only', () => {
      const movedOut = { idnr: '36574261809', fromMunicipalityKey: '03404000', toMunicipalityKey: '14612000' };
      const source = from(osnabrueck, 'MELDEREGISTER');
      expect(recipientsOf(niedersachsen, 'MovedOut', movedOut, source)).toEqual(['LANDESMELDEREGISTER']);
      expect(recipientsOf(sachsen, 'MovedOut', movedOut, source)).toEqual(['LANDESMELDEREGISTER']);
      expect(recipientsOf(bayern, 'MovedOut', movedOut, source)).toEqual([]);
      expect(recipientsOf(osnabrueck, 'MovedOut', movedOut, source)).toEqual([]);
      expect(recipientsOf(federal, 'MovedOut', movedOut, source)).toEqual([]);
    });
  });

  describe('a birth', () => {
    const birth = { birthRegistrationId: 'G-1', residence: address('14612000') };
    const standesamt = from(dresden, 'PERSONENSTANDSREGISTER');

    it('is registered by the Melderegister of the residence municipality only', () => {
      expect(recipientsOf(dresden, 'BirthRecorded', birth, standesamt)).toEqual(['MELDEREGISTER']);
      expect(recipientsOf(leipzig, 'BirthRecorded', birth, standesamt)).toEqual([]);
      expect(recipientsOf(sachsen, 'BirthRecorded', birth, standesamt)).toEqual([]);
      expect(recipientsOf(federal, 'BirthRecorded', birth, standesamt)).toEqual([]);
    });

    it('leads to an IdNr request at the federal level and the IdNr back to the requesting municipality', () => {
      expect(recipientsOf(federal, 'IdNrRequested', { requestingMunicipalityKey: '14612000' }, from(dresden, 'MELDEREGISTER'))).toEqual([
        'IDNR_BASISDATEN',
      ]);
      const assigned = { birthRegistrationId: 'G-1', idnr: '36574261809', requestingMunicipalityKey: '14612000' };
      const bzst: RegisterAddress = { level: 'FEDERAL', instanceKey: 'DE', register: 'IDNR_BASISDATEN' };
      expect(recipientsOf(dresden, 'IdNrAssigned', assigned, bzst)).toEqual(['MELDEREGISTER']);
      expect(recipientsOf(leipzig, 'IdNrAssigned', assigned, bzst)).toEqual([]);
      expect(recipientsOf(federal, 'IdNrAssigned', assigned, bzst)).toEqual([]);
    });
  });

  describe('civil status and information blocks', () => {
    it('lets a Melderegister take over name changes from its own Standesamt only, and only that Land', () => {
      expect(recipientsOf(dresden, 'NameChanged', {}, from(dresden, 'PERSONENSTANDSREGISTER'))).toEqual(['MELDEREGISTER']);
      expect(recipientsOf(dresden, 'NameChanged', {}, from(leipzig, 'PERSONENSTANDSREGISTER'))).toEqual([]);
      expect(recipientsOf(sachsen, 'NameChanged', {}, from(leipzig, 'PERSONENSTANDSREGISTER'))).toEqual(['LANDESMELDEREGISTER']);
      expect(recipientsOf(niedersachsen, 'NameChanged', {}, from(leipzig, 'PERSONENSTANDSREGISTER'))).toEqual([]);
      expect(recipientsOf(federal, 'NameChanged', {}, from(leipzig, 'PERSONENSTANDSREGISTER'))).toEqual(['IDNR_BASISDATEN']);
    });

    it('offers a death to every Melderegister and every Land, since a former residence cannot be told from the event', () => {
      const death = { idnr: '36574261809' };
      const standesamtDresden = from(dresden, 'PERSONENSTANDSREGISTER');
      for (const municipality of [dresden, osnabrueck, leipzig]) expect(recipientsOf(municipality, 'DeathRecorded', death, standesamtDresden)).toEqual(['MELDEREGISTER']);
      for (const land of [sachsen, niedersachsen, bayern]) expect(recipientsOf(land, 'DeathRecorded', death, standesamtDresden)).toEqual(['LANDESMELDEREGISTER']);
      expect(recipientsOf(federal, 'DeathRecorded', death, standesamtDresden)).toEqual(['IDNR_BASISDATEN']);
    });

    it("sends the previous residence's MovedOut (its answer to the Rückmeldung) to the municipality moved to, no other", () => {
      const answer = { fromMunicipalityKey: '03404000', toMunicipalityKey: '14612000' };
      const osnabrueckMelde = from(osnabrueck, 'MELDEREGISTER');
      expect(recipientsOf(dresden, 'MovedOut', answer, osnabrueckMelde)).toEqual(['MELDEREGISTER']);
      expect(recipientsOf(leipzig, 'MovedOut', answer, osnabrueckMelde)).toEqual([]);
      expect(recipientsOf(osnabrueck, 'MovedOut', answer, osnabrueckMelde)).toEqual([]);
    });

    it('offers an information block to every other Melderegister, every Land and the BZSt, like a death, never back to its sender', () => {
      for (const eventType of ['InformationBlockSet', 'InformationBlockLifted']) {
        const source = from(dresden, 'MELDEREGISTER');
        for (const land of [sachsen, niedersachsen]) expect(recipientsOf(land, eventType, {}, source)).toEqual(['LANDESMELDEREGISTER']);
        for (const municipality of [osnabrueck, leipzig]) expect(recipientsOf(municipality, eventType, {}, source)).toEqual(['MELDEREGISTER']);
        expect(recipientsOf(dresden, eventType, {}, source)).toEqual([]);
        expect(recipientsOf(federal, eventType, {}, source)).toEqual(['IDNR_BASISDATEN']);
        expect(recipientsOf(osnabrueck, eventType, {}, from(dresden, 'PERSONENSTANDSREGISTER'))).toEqual([]);
      }
    });
  });

  describe('a parcel change', () => {
    const parcel = { parcelId: '14612300100012______', municipalityKey: '14612000' };
    const kataster: RegisterAddress = { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' };

    it("updates the property-tax roll of the parcel's municipality only; the cadastre consumes nothing", () => {
      for (const eventType of ['ParcelRecorded', 'ParcelChanged']) {
        expect(recipientsOf(dresden, eventType, parcel, kataster)).toEqual(['GRUNDSTEUER']);
        expect(recipientsOf(leipzig, eventType, parcel, kataster)).toEqual([]);
        expect(recipientsOf(sachsen, eventType, parcel, kataster)).toEqual([]);
        expect(recipientsOf(federal, eventType, parcel, kataster)).toEqual([]);
      }
    });

    it('is not consumed back by anyone once the tax roll took it over', () => {
      const source: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '14612000', register: 'GRUNDSTEUER' };
      for (const instance of [dresden, sachsen, federal]) {
        expect(recipientsOf(instance, 'PropertyTaxBaseChanged', parcel, source)).toEqual([]);
      }
    });
  });

  it('ignores malformed keys instead of throwing', () => {
    expect(recipientsOf(sachsen, 'ResidenceRegistered', { address: { municipalityKey: 'x' } }, moveSource)).toEqual([]);
    expect(recipientsOf(osnabrueck, 'ResidenceRegistered', { previousAddress: null }, moveSource)).toEqual([]);
  });

  it('never names a recipient that the routing catalog gives no basis for the event', () => {
    const cases: [RegisterInstance, string, Record<string, unknown>, RegisterAddress][] = [
      [osnabrueck, 'ResidenceRegistered', move, moveSource],
      [sachsen, 'ResidenceRegistered', move, moveSource],
      // the BZSt's route covers a Hauptwohnung only (§ 139b Abs. 6 AO)
      [federal, 'ResidenceRegistered', { ...move, dwellingStatus: 'HAUPTWOHNUNG' }, moveSource],
      [dresden, 'BirthRecorded', { residence: address('14612000') }, from(dresden, 'PERSONENSTANDSREGISTER')],
      [dresden, 'IdNrAssigned', { requestingMunicipalityKey: '14612000' }, { level: 'FEDERAL', instanceKey: 'DE', register: 'IDNR_BASISDATEN' }],
      [federal, 'IdNrRequested', {}, from(dresden, 'MELDEREGISTER')],
      ...['NameChanged', 'DeathRecorded'].flatMap((t) =>
        [dresden, sachsen, federal].map((i) => [i, t, {}, from(dresden, 'PERSONENSTANDSREGISTER')] as [RegisterInstance, string, Record<string, unknown>, RegisterAddress]),
      ),
      [sachsen, 'MovedOut', { fromMunicipalityKey: '14612000' }, moveSource],
      [osnabrueck, 'MovedOut', { fromMunicipalityKey: '14612000', toMunicipalityKey: '03404000' }, moveSource],
      [sachsen, 'InformationBlockSet', {}, moveSource],
      [sachsen, 'InformationBlockLifted', {}, moveSource],
      ...['InformationBlockSet', 'InformationBlockLifted'].flatMap((t) =>
        [osnabrueck, federal].map((i) => [i, t, {}, moveSource] as [RegisterInstance, string, Record<string, unknown>, RegisterAddress]),
      ),
      [dresden, 'ParcelChanged', { municipalityKey: '14612000' }, { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' }],
      [dresden, 'ParcelRecorded', { municipalityKey: '14612000' }, { level: 'STATE', instanceKey: '14', register: 'LIEGENSCHAFTSKATASTER' }],
    ];
    for (const [instance, eventType, payload, source] of cases) {
      const recipients = recipientsOf(instance, eventType, payload, source);
      expect(recipients.length).toBeGreaterThan(0);
      for (const recipient of recipients) {
        expect({ recipient, eventType, routed: projectForRecipient(recipient, eventType, payload) !== undefined }).toEqual({
          recipient,
          eventType,
          routed: true,
        });
      }
    }
  });
});

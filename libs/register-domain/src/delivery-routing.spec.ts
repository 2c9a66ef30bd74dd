import fc from 'fast-check';
import { deliveriesOf, holdingsAfter, type Delivery, type RoutingTopology } from './delivery-routing';
import { recipientsOf } from './relevance';
import type { RegisterAddress, RegisterInstance } from './registers';
import { routeCovers, routeFor } from './routing-catalog';

const municipal = (instanceKey: string): RegisterInstance => ({ level: 'MUNICIPAL', instanceKey });
const state = (instanceKey: string): RegisterInstance => ({ level: 'STATE', instanceKey });
const federal: RegisterInstance = { level: 'FEDERAL', instanceKey: 'DE' };
const at = (instance: RegisterInstance, register: RegisterAddress['register']): RegisterAddress => ({ ...instance, register });
const address = (municipalityKey: string) => ({ street: 'S', houseNumber: '1', postalCode: '01069', city: 'C', municipalityKey });

const osnabrueck = municipal('03404000');
const hannover = municipal('03241001');
const dresden = municipal('14612000');
const leipzig = municipal('14713000');
const niedersachsen = state('03');
const sachsen = state('14');

/** The local demo topology, and the same with 60 more municipalities in both Länder. */
const demo: RoutingTopology = { instances: [federal, niedersachsen, sachsen, osnabrueck, hannover, dresden, leipzig] };
const crowded: RoutingTopology = {
  instances: [
    ...demo.instances,
    ...Array.from({ length: 30 }, (_, index) => municipal(`03${String(index + 400).padStart(3, '0')}100`)),
    ...Array.from({ length: 30 }, (_, index) => municipal(`14${String(index + 600).padStart(3, '0')}200`)),
  ],
};

const names = (deliveries: readonly Delivery[]) =>
  deliveries.map(({ recipient }) => `${recipient.level} ${recipient.instanceKey} ${recipient.register}`).sort();

const move = { idnr: '36574261809', address: address('14612000'), previousAddress: address('03404000'), dwellingStatus: 'HAUPTWOHNUNG' };
const moveSource = at(dresden, 'MELDEREGISTER');

describe('deliveriesOf', () => {
  it('sends a move to the previous municipality, both Länder and the BZSt, and to nobody else', () => {
    const expected = ['FEDERAL DE IDNR_BASISDATEN', 'MUNICIPAL 03404000 MELDEREGISTER', 'STATE 03 LANDESMELDEREGISTER', 'STATE 14 LANDESMELDEREGISTER'];
    expect(names(deliveriesOf('ResidenceRegistered', move, moveSource, demo, []))).toEqual(expected);
  });

  it("sends a Nebenwohnung's registration to the Länder and the previous municipality, not to the BZSt (§ 139b Abs. 6 AO)", () => {
    const secondary = { ...move, dwellingStatus: 'NEBENWOHNUNG' };
    expect(names(deliveriesOf('ResidenceRegistered', secondary, moveSource, demo, []))).toEqual(['MUNICIPAL 03404000 MELDEREGISTER', 'STATE 03 LANDESMELDEREGISTER', 'STATE 14 LANDESMELDEREGISTER']);
  });

  it("sends a restated residence (drift repair) to the address's Land, a Land holding the person and the BZSt; no Rückmeldung", () => {
    const restated = { idnr: move.idnr, address: move.address, dwellingStatus: 'HAUPTWOHNUNG', requestedBy: 'Otto Operator (operator)' };
    const holders = [at(osnabrueck, 'MELDEREGISTER'), at(niedersachsen, 'LANDESMELDEREGISTER'), at(sachsen, 'LANDESMELDEREGISTER')];
    expect(names(deliveriesOf('ResidenceRestated', restated, moveSource, crowded, holders))).toEqual(['FEDERAL DE IDNR_BASISDATEN', 'STATE 03 LANDESMELDEREGISTER', 'STATE 14 LANDESMELDEREGISTER']);
    expect(names(deliveriesOf('ResidenceRestated', { ...restated, dwellingStatus: 'NEBENWOHNUNG' }, moveSource, demo, []))).toEqual(['STATE 14 LANDESMELDEREGISTER']);
  });

  it("sends restated names (drift repair) where a name change goes: the own Melderegister, its Land and the BZSt", () => {
    const restated = { idnr: move.idnr, familyName: 'Weber', givenNames: 'Anna', requestedBy: 'Otto Operator (operator)' };
    const standesamt = at(dresden, 'PERSONENSTANDSREGISTER');
    expect(names(deliveriesOf('NamesRestated', restated, standesamt, demo, []))).toEqual(names(deliveriesOf('NameChanged', restated, standesamt, demo, [])));
    expect(names(deliveriesOf('NamesRestated', restated, standesamt, demo, []))).toEqual(['FEDERAL DE IDNR_BASISDATEN', 'MUNICIPAL 14612000 MELDEREGISTER', 'STATE 14 LANDESMELDEREGISTER']);
  });

  it("sends a restated parcel (drift repair) to the property-tax roll of its municipality only", () => {
    const restated = { parcelId: '14612300100012______', municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [move.idnr], requestedBy: 'Otto Operator (operator)' };
    expect(names(deliveriesOf('ParcelRestated', restated, at(sachsen, 'LIEGENSCHAFTSKATASTER'), crowded, []))).toEqual(['MUNICIPAL 14612000 GRUNDSTEUER']);
  });

  it('does not grow with the number of municipalities the topology runs', () => {
    expect(names(deliveriesOf('ResidenceRegistered', move, moveSource, crowded, []))).toEqual(names(deliveriesOf('ResidenceRegistered', move, moveSource, demo, [])));
  });

  it('sends a death to the registers that hold the person and the BZSt only', () => {
    const holders = [at(osnabrueck, 'MELDEREGISTER'), at(dresden, 'MELDEREGISTER'), at(niedersachsen, 'LANDESMELDEREGISTER'), at(sachsen, 'LANDESMELDEREGISTER')];
    const deliveries = deliveriesOf('DeathRecorded', { idnr: move.idnr }, at(dresden, 'PERSONENSTANDSREGISTER'), crowded, holders);
    expect(names(deliveries)).toEqual([
      'FEDERAL DE IDNR_BASISDATEN',
      'MUNICIPAL 03404000 MELDEREGISTER',
      'MUNICIPAL 14612000 MELDEREGISTER',
      'STATE 03 LANDESMELDEREGISTER',
      'STATE 14 LANDESMELDEREGISTER',
    ]);
  });

  it('sends the death of a person nobody holds to the BZSt alone', () => {
    expect(names(deliveriesOf('DeathRecorded', { idnr: move.idnr }, at(leipzig, 'PERSONENSTANDSREGISTER'), crowded, []))).toEqual(['FEDERAL DE IDNR_BASISDATEN']);
  });

  it('sends an erasure to the other registers that hold the person and the BZSt, never back to the Meldebehörde that erased', () => {
    const holders = [at(osnabrueck, 'MELDEREGISTER'), at(dresden, 'MELDEREGISTER'), at(niedersachsen, 'LANDESMELDEREGISTER'), at(sachsen, 'LANDESMELDEREGISTER')];
    const erasure = { reason: 'REGISTRATION_IN_ERROR', requestedBy: 'buergeramt-dresden' };
    const deliveries = deliveriesOf('PersonErased', erasure, at(dresden, 'MELDEREGISTER'), crowded, holders);
    expect(names(deliveries)).toEqual(['FEDERAL DE IDNR_BASISDATEN', 'MUNICIPAL 03404000 MELDEREGISTER', 'STATE 03 LANDESMELDEREGISTER', 'STATE 14 LANDESMELDEREGISTER']);
    expect(deliveries.every((delivery) => delivery.route.fields.join() === 'reason,requestedBy')).toBe(true);
    // and nobody holds the person afterwards
    expect(holdingsAfter('PersonErased', erasure, at(dresden, 'MELDEREGISTER'), move.idnr, deliveries)).toEqual([]);
  });

  it("sends an owner's erasure to the cadastre and the property-tax roll a parcel event named them to, once per instance", () => {
    const parcel = { parcelId: '14612300100012______', municipalityKey: '14713000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [move.idnr, '12345678995'] };
    const cadastre = at(sachsen, 'LIEGENSCHAFTSKATASTER');
    const recorded = deliveriesOf('ParcelRecorded', parcel, cadastre, crowded, []);
    const owned = holdingsAfter('ParcelRecorded', parcel, cadastre, parcel.parcelId, recorded);
    expect(owned.filter((holding) => holding.subjectId === move.idnr)).toEqual([
      { subjectKind: 'PERSON', subjectId: move.idnr, holder: cadastre },
      { subjectKind: 'PERSON', subjectId: move.idnr, holder: at(leipzig, 'GRUNDSTEUER') },
    ]);
    // The person lives in Dresden, so Sachsen holds them twice (mirror and cadastre): it learns of the erasure once.
    const holders = [...owned.filter((holding) => holding.subjectId === move.idnr).map((holding) => holding.holder), at(dresden, 'MELDEREGISTER'), at(sachsen, 'LANDESMELDEREGISTER')];
    const erasure = { reason: 'REGISTRATION_IN_ERROR', requestedBy: 'buergeramt-dresden' };
    expect(names(deliveriesOf('PersonErased', erasure, at(dresden, 'MELDEREGISTER'), crowded, holders))).toEqual(['FEDERAL DE IDNR_BASISDATEN', 'MUNICIPAL 14713000 GRUNDSTEUER', 'STATE 14 LANDESMELDEREGISTER']);
    expect(names(deliveriesOf('PersonErased', erasure, at(dresden, 'MELDEREGISTER'), crowded, holders.filter((holder) => holder.register !== 'LANDESMELDEREGISTER')))).toEqual([
      'FEDERAL DE IDNR_BASISDATEN',
      'MUNICIPAL 14713000 GRUNDSTEUER',
      'STATE 14 LIEGENSCHAFTSKATASTER',
    ]);
  });

  it("sends an erasure back to the erasing municipality's own property-tax roll where a parcel event named the person, so a rebuild of the roll meets it after the parcels", () => {
    const parcel = { parcelId: '14612300100012______', municipalityKey: '14612000', areaSquareMetres: 612, usage: 'Wohnbaufläche', ownerIdnrs: [move.idnr] };
    const cadastre = at(sachsen, 'LIEGENSCHAFTSKATASTER');
    const owned = holdingsAfter('ParcelRecorded', parcel, cadastre, parcel.parcelId, deliveriesOf('ParcelRecorded', parcel, cadastre, crowded, []));
    const holders = [...owned.map((holding) => holding.holder), at(dresden, 'MELDEREGISTER'), at(sachsen, 'LANDESMELDEREGISTER')];
    const erasure = { reason: 'REGISTRATION_IN_ERROR', requestedBy: 'buergeramt-dresden' };
    expect(names(deliveriesOf('PersonErased', erasure, at(dresden, 'MELDEREGISTER'), crowded, holders))).toEqual([
      'FEDERAL DE IDNR_BASISDATEN',
      'MUNICIPAL 14612000 GRUNDSTEUER',
      'STATE 14 LANDESMELDEREGISTER',
    ]);
    // Without a roll of its own that lists the person, nothing comes back.
    expect(names(deliveriesOf('PersonErased', erasure, at(dresden, 'MELDEREGISTER'), crowded, [at(dresden, 'MELDEREGISTER')]))).toEqual(['FEDERAL DE IDNR_BASISDATEN']);
  });

  it('sends an information block to the other holders, never back to the Meldebehörde that set it', () => {
    const holders = [at(osnabrueck, 'MELDEREGISTER'), at(dresden, 'MELDEREGISTER'), at(sachsen, 'LANDESMELDEREGISTER')];
    const block = { idnr: move.idnr, blockKind: 'AUSKUNFTSSPERRE', validUntil: null };
    expect(names(deliveriesOf('InformationBlockSet', block, at(dresden, 'MELDEREGISTER'), demo, holders))).toEqual([
      'FEDERAL DE IDNR_BASISDATEN',
      'MUNICIPAL 03404000 MELDEREGISTER',
      'STATE 14 LANDESMELDEREGISTER',
    ]);
  });

  it("delivers nothing to a register instance the topology does not run (a parcel in a municipality without a roll)", () => {
    const parcel = { parcelId: '14612300100012______', municipalityKey: '14730010', areaSquareMetres: 1, usage: 'x', ownerIdnrs: [] };
    expect(deliveriesOf('ParcelChanged', parcel, at(sachsen, 'LIEGENSCHAFTSKATASTER'), demo, [])).toEqual([]);
    expect(names(deliveriesOf('ParcelChanged', { ...parcel, municipalityKey: '14713000' }, at(sachsen, 'LIEGENSCHAFTSKATASTER'), demo, []))).toEqual([
      'MUNICIPAL 14713000 GRUNDSTEUER',
    ]);
  });

  it('carries the route of the routing catalog for each recipient', () => {
    for (const { recipient, route } of deliveriesOf('ResidenceRegistered', move, moveSource, demo, [])) {
      expect(route).toBe(routeFor(recipient.register, 'ResidenceRegistered'));
    }
  });

  // The old broadcast: every instance received every event, asked recipientsOf and applied what a covering route allowed.
  // Routing before delivery must reach exactly those registers, except that events for every holder reach only the holders.
  it('reaches exactly the registers the broadcast filter chose, holder-routed events only at holders', () => {
    const ags = demo.instances.filter((instance) => instance.level === 'MUNICIPAL').map((instance) => instance.instanceKey);
    const eventTypes = ['BirthRecorded', 'IdNrRequested', 'IdNrAssigned', 'ResidenceRegistered', 'MovedOut', 'NameChanged', 'DeathRecorded', 'InformationBlockSet', 'InformationBlockLifted', 'ParcelRecorded', 'ParcelChanged', 'ParcelLeftMunicipality'];
    const registerOf = fc.constantFrom<RegisterAddress['register']>('MELDEREGISTER', 'PERSONENSTANDSREGISTER', 'GRUNDSTEUER');
    const holderCandidates = demo.instances.flatMap((instance) =>
      instance.level === 'MUNICIPAL' ? [at(instance, 'MELDEREGISTER')] : instance.level === 'STATE' ? [at(instance, 'LANDESMELDEREGISTER')] : [],
    );
    const scenario = fc.record({
      eventType: fc.constantFrom(...eventTypes),
      source: fc.oneof(
        fc.record({ instanceKey: fc.constantFrom(...ags), register: registerOf }).map(({ instanceKey, register }) => at(municipal(instanceKey), register)),
        fc.constantFrom(at(sachsen, 'LIEGENSCHAFTSKATASTER'), at(federal, 'IDNR_BASISDATEN')),
      ),
      first: fc.constantFrom(...ags, '09162000'),
      second: fc.constantFrom(...ags, '09162000'),
      holders: fc.subarray(holderCandidates),
      dwellingStatus: fc.constantFrom('HAUPTWOHNUNG', 'NEBENWOHNUNG'),
    });
    fc.assert(
      fc.property(scenario, ({ eventType, source, first, second, holders, dwellingStatus }) => {
        const payload = {
          dwellingStatus,
          idnr: move.idnr,
          address: address(first),
          previousAddress: address(second),
          residence: address(first),
          requestingMunicipalityKey: first,
          fromMunicipalityKey: second,
          toMunicipalityKey: first,
          municipalityKey: first,
        };
        const broadcast = demo.instances.flatMap((instance) =>
          recipientsOf(instance, eventType, payload, source)
            .filter((register) => {
              const route = routeFor(register, eventType);
              return route !== undefined && routeCovers(route, payload);
            })
            .map((register) => at(instance, register))
            .filter((recipient) => !['DeathRecorded', 'InformationBlockSet', 'InformationBlockLifted'].includes(eventType) || recipient.level === 'FEDERAL' || holders.some((holder) => holder.instanceKey === recipient.instanceKey && holder.register === recipient.register)),
        );
        const routed = deliveriesOf(eventType, payload, source, demo, holders).map((delivery) => delivery.recipient);
        expect(names(routed.map((recipient) => ({ recipient }) as Delivery))).toEqual(names(broadcast.map((recipient) => ({ recipient }) as Delivery)));
      }),
    );
  });
});

describe('holdingsAfter', () => {
  it('makes the registering Melderegister, the previous one and both Länder holders of a mover, not the BZSt', () => {
    const deliveries = deliveriesOf('ResidenceRegistered', move, moveSource, demo, []);
    const holdings = holdingsAfter('ResidenceRegistered', move, moveSource, move.idnr, deliveries);
    expect(holdings.map(({ subjectId, holder }) => `${subjectId} ${holder.instanceKey} ${holder.register}`).sort()).toEqual([
      '36574261809 03 LANDESMELDEREGISTER',
      '36574261809 03404000 MELDEREGISTER',
      '36574261809 14 LANDESMELDEREGISTER',
      '36574261809 14612000 MELDEREGISTER',
    ]);
  });

  it('makes the requesting Melderegister a holder of a newborn under the IdNr and the birth registration id', () => {
    const assigned = { birthRegistrationId: '14612000-G-2026-000001', idnr: '36574261809', requestingMunicipalityKey: '14612000' };
    const bzst = at(federal, 'IDNR_BASISDATEN');
    const deliveries = deliveriesOf('IdNrAssigned', assigned, bzst, demo, []);
    expect(holdingsAfter('IdNrAssigned', assigned, bzst, assigned.birthRegistrationId, deliveries).map(({ subjectId, holder }) => `${subjectId} ${holder.instanceKey}`)).toEqual([
      '14612000-G-2026-000001 14612000',
      '36574261809 14612000',
    ]);
  });

  it('creates no holding for parcels or the BZSt', () => {
    const parcel = { parcelId: '14612300100012______', municipalityKey: '14713000' };
    const cadastre = at(sachsen, 'LIEGENSCHAFTSKATASTER');
    expect(holdingsAfter('ParcelChanged', parcel, cadastre, parcel.parcelId, deliveriesOf('ParcelChanged', parcel, cadastre, demo, []))).toEqual([]);
  });
});

import fc from 'fast-check';
import type { Address } from '@regsync/contracts/generated/events';
import { applyResidenceToBaseData, type IdnrBaseData } from './idnr-base-data';
import { moveIn, moveOut, type Resident } from './residents';
import { applyMovedOutToStateResident, applyResidenceToStateResident, type StateResident } from './state-residents';

// Two municipalities in each of two Länder: moves within a Land and across Länder.
const ADDRESSES: Address[] = [
  { street: 'Große Straße', houseNumber: '12', postalCode: '49074', city: 'Osnabrück', municipalityKey: '03404000' },
  { street: 'Lister Meile', houseNumber: '3', postalCode: '30161', city: 'Hannover', municipalityKey: '03241001' },
  { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' },
  { street: 'Markt', houseNumber: '1', postalCode: '04109', city: 'Leipzig', municipalityKey: '14713000' },
];
const MUNICIPALITIES = ADDRESSES.map((address) => address.municipalityKey);
const LANDS = ['03', '14'];
const IDNR = '36574261809';
const landOf = (ags: string) => ags.slice(0, 2);

interface Registration {
  idnr: string;
  familyName: string;
  givenNames: string;
  sex: 'FEMALE';
  dateOfBirth: Date;
  address: Address;
  movedInOn: Date;
  previousAddress: Address | null;
  dwellingStatus: 'HAUPTWOHNUNG';
}

/** An event as a register receives it, with the index of the move that produced it (its earliest delivery). */
type Delivery =
  | { kind: 'registration'; move: number; registration: Registration }
  | { kind: 'moved-out'; move: number; movedOut: { idnr: string; movedOutOn: Date; fromMunicipalityKey: string; toMunicipalityKey: string } };

/** A person's history: a first registration, then moves to another municipality each, on strictly later days. */
const histories = fc
  .record({
    start: fc.integer({ min: 0, max: 3 }),
    moves: fc.array(fc.record({ step: fc.integer({ min: 1, max: 3 }), days: fc.integer({ min: 1, max: 400 }) }), { minLength: 1, maxLength: 7 }),
  })
  .map(({ start, moves }) => {
    const registrations: Registration[] = [];
    let municipality = start;
    let day = Date.UTC(2015, 0, 1);
    registrations.push(registration(ADDRESSES[municipality], day, null));
    for (const { step, days } of moves) {
      const previous = ADDRESSES[municipality];
      municipality = (municipality + step) % ADDRESSES.length;
      day += days * 86_400_000;
      registrations.push(registration(ADDRESSES[municipality], day, previous));
    }
    return registrations;
  });

function registration(address: Address, day: number, previousAddress: Address | null): Registration {
  return { idnr: IDNR, familyName: 'Schmidt', givenNames: 'Anna', sex: 'FEMALE', dateOfBirth: new Date(Date.UTC(1990, 2, 14)), address, movedInOn: new Date(day), previousAddress, dwellingStatus: 'HAUPTWOHNUNG' };
}

/** Per event a delay (consumer lag, a slow relay), and the events delivered a second time. */
const deliveryOrders = fc.record({
  lags: fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 20, maxLength: 20 }),
  duplicates: fc.array(fc.record({ event: fc.nat(), lag: fc.integer({ min: 0, max: 8 }) }), { maxLength: 4 }),
  // The old municipality does not send a MovedOut for a Rückmeldung it found stale: any of them may be missing.
  movedOutSent: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
});
type DeliveryOrder = typeof deliveryOrders extends fc.Arbitrary<infer T> ? T : never;

/** In order: each event at the move that produced it. Otherwise each later by its lag, some twice. */
function deliver(events: Delivery[], order: DeliveryOrder | undefined): { event: Delivery; at: number }[] {
  if (!order) return events.map((event) => ({ event, at: event.move }));
  const late = events.map((event, index) => ({ event, at: event.move + order.lags[index % order.lags.length], index }));
  for (const [extra, { event, lag }] of order.duplicates.entries()) {
    if (events.length > 0) late.push({ event: events[event % events.length], at: events[event % events.length].move + lag, index: events.length + extra });
  }
  return late.sort((a, b) => a.at - b.at || a.index - b.index);
}

/** The Melderegister of one municipality: its own Anmeldungen at their time, Rückmeldungen any time after. */
function melderegister(history: Registration[], ags: string, order?: DeliveryOrder): Resident | undefined {
  const own = history.flatMap((registration, move) => (registration.address.municipalityKey === ags ? [{ registration, move }] : []));
  const rueckmeldungen: Delivery[] = history.flatMap((registration, move) =>
    registration.previousAddress?.municipalityKey === ags ? [{ kind: 'registration' as const, move, registration }] : [],
  );
  const incoming = deliver(rueckmeldungen, order);
  let resident: Resident | undefined;
  let next = 0;
  for (const { registration, move } of own) {
    // Before the person registers here, every Rückmeldung of an earlier move that has arrived is applied.
    while (next < incoming.length && incoming[next].at < move) resident = applyRueckmeldung(resident, incoming[next++].event);
    resident = moveIn(resident, registration, ags);
  }
  while (next < incoming.length) resident = applyRueckmeldung(resident, incoming[next++].event);
  return resident;
}

function applyRueckmeldung(resident: Resident | undefined, delivery: Delivery): Resident | undefined {
  if (delivery.kind !== 'registration') throw new Error('a Melderegister receives registrations only');
  return moveOut(resident, delivery.registration) ?? resident;
}

/** What the Landesmelderegister receives: registrations and MovedOut concerning one of its municipalities. */
function landEvents(history: Registration[], land: string, movedOutSent: boolean[]): Delivery[] {
  return history.flatMap((registration, move): Delivery[] => {
    const from = registration.previousAddress?.municipalityKey;
    const to = registration.address.municipalityKey;
    if (landOf(to) !== land && (!from || landOf(from) !== land)) return [];
    const events: Delivery[] = [{ kind: 'registration', move, registration }];
    if (from && movedOutSent[move % movedOutSent.length]) {
      events.push({ kind: 'moved-out', move, movedOut: { idnr: IDNR, movedOutOn: registration.movedInOn, fromMunicipalityKey: from, toMunicipalityKey: to } });
    }
    return events;
  });
}

function landesmelderegister(history: Registration[], land: string, movedOutSent: boolean[], order?: DeliveryOrder): StateResident | undefined {
  let resident: StateResident | undefined;
  for (const { event: delivery } of deliver(landEvents(history, land, movedOutSent), order)) {
    resident =
      delivery.kind === 'registration'
        ? (applyResidenceToStateResident(resident, delivery.registration, land) ?? resident)
        : (applyMovedOutToStateResident(resident, delivery.movedOut, land) ?? resident);
  }
  return resident;
}

function baseData(history: Registration[], order?: DeliveryOrder): IdnrBaseData | undefined {
  let data: IdnrBaseData | undefined;
  for (const { event: delivery } of deliver(history.map((registration, move) => ({ kind: 'registration' as const, move, registration })), order)) {
    if (delivery.kind === 'registration') data = applyResidenceToBaseData(data, delivery.registration);
  }
  return data;
}

describe('order by meaning: registers decide by the dates of the moves, not by the order events arrive in', () => {
  it('in order, the person ends resident in the last municipality only, in every register', () => {
    fc.assert(
      fc.property(histories, (history) => {
        const last = history[history.length - 1].address;
        for (const ags of MUNICIPALITIES) {
          const resident = melderegister(history, ags);
          if (ags === last.municipalityKey) expect(resident).toMatchObject({ status: 'RESIDENT', address: last });
          else if (resident) expect(resident.status).toBe('MOVED_OUT');
        }
        for (const land of LANDS) {
          const resident = landesmelderegister(history, land, Array(20).fill(true));
          if (land === landOf(last.municipalityKey)) expect(resident).toMatchObject({ status: 'RESIDENT', address: last });
          else if (resident) expect(resident.status).toBe('MOVED_AWAY');
        }
        expect(baseData(history)).toMatchObject({ address: last });
      }),
    );
  });

  it('every Melderegister ends as with in-order delivery when Rückmeldungen arrive late, reordered and twice', () => {
    fc.assert(
      fc.property(histories, deliveryOrders, (history, order) => {
        for (const ags of MUNICIPALITIES) expect(melderegister(history, ags, order)).toEqual(melderegister(history, ags));
      }),
    );
  });

  it('every Landesmelderegister ends as with in-order delivery, whatever the order, duplicates and missing MovedOut', () => {
    fc.assert(
      fc.property(histories, deliveryOrders, (history, order) => {
        const allSent = Array(20).fill(true);
        for (const land of LANDS) expect(landesmelderegister(history, land, order.movedOutSent, order)).toEqual(landesmelderegister(history, land, allSent));
      }),
    );
  });

  it('the IdNr base data ends as with in-order delivery, whatever the order and duplicates', () => {
    fc.assert(
      fc.property(histories, deliveryOrders, (history, order) => {
        expect(baseData(history, order)).toEqual(baseData(history));
      }),
    );
  });
});

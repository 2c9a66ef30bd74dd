import fc from 'fast-check';
import { endsRecipientState, stateChangesOf, type StateDelivery } from './recipient-state';

type Delivery = StateDelivery & { n: number };

/** The model: each delivery in turn, an ending one empties its state (a tombstone), any other is appended. */
function applyOneByOne(before: ReadonlyMap<string, number[]>, deliveries: readonly Delivery[]): Map<string, number[] | null> {
  const states = new Map<string, number[] | null>(before);
  for (const delivery of deliveries) {
    if (endsRecipientState(delivery.eventType, delivery.register)) states.set(delivery.state, null);
    else states.set(delivery.state, [...(states.get(delivery.state) ?? []), delivery.n]);
  }
  return states;
}

/** What the router does with the chunk's changes: tombstones first, then the kept deliveries appended. */
function applyChanges(before: ReadonlyMap<string, number[]>, deliveries: readonly Delivery[]): Map<string, number[] | null> {
  const { ended, kept } = stateChangesOf(deliveries);
  const states = new Map<string, number[] | null>(before);
  for (const end of ended) states.set(end.state, null);
  for (const delivery of kept) states.set(delivery.state, [...(states.get(delivery.state) ?? []), delivery.n]);
  return states;
}

const delivery = fc.record({
  state: fc.constantFrom('GRUNDSTEUER 14612000 parcel A', 'GRUNDSTEUER 14612000 parcel B', 'LANDESMELDEREGISTER 03 person C'),
  eventType: fc.constantFrom('ParcelRecorded', 'ParcelChanged', 'ParcelLeftMunicipality', 'ResidenceRegistered', 'DeathRecorded'),
  register: fc.constantFrom('GRUNDSTEUER' as const, 'LANDESMELDEREGISTER' as const),
});

describe('recipient state', () => {
  it('forgets a parcel at the property-tax roll it left, and nobody after a move away or a death', () => {
    expect(endsRecipientState('ParcelLeftMunicipality', 'GRUNDSTEUER')).toBe(true);
    expect(endsRecipientState('MovedOut', 'LANDESMELDEREGISTER')).toBe(false);
    expect(endsRecipientState('DeathRecorded', 'MELDEREGISTER')).toBe(false);
  });

  it('changes each state of a chunk as delivering its events one by one would, whatever their order', () => {
    fc.assert(
      fc.property(fc.array(delivery, { maxLength: 30 }), fc.array(fc.integer({ min: -5, max: -1 }), { maxLength: 3 }), (chunk, earlier) => {
        const deliveries = chunk.map((d, n) => ({ ...d, n }));
        const before = new Map([['GRUNDSTEUER 14612000 parcel A', earlier]]);
        expect(applyChanges(before, deliveries)).toEqual(applyOneByOne(before, deliveries));
      }),
    );
  });
});

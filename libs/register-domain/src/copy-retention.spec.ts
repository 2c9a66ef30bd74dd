import fc from 'fast-check';
import { copyRetentionAfter, NO_HOLDING_EVENTS, type CopyHolding, type CopyRetention } from './copy-retention';
import type { RegisterAddress } from './registers';

const NIEDERSACHSEN: RegisterAddress = { level: 'STATE', instanceKey: '03', register: 'LANDESMELDEREGISTER' };
const BZST: RegisterAddress = { level: 'FEDERAL', instanceKey: 'DE', register: 'IDNR_BASISDATEN' };
const OSNABRUECK: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' };
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

const registeredIn = (municipalityKey: string, on: string) => ['ResidenceRegistered', { address: { municipalityKey }, movedInOn: day(on) }] as const;
const movedOutTo = (municipalityKey: string, on: string) => ['MovedOut', { toMunicipalityKey: municipalityKey, movedOutOn: day(on) }] as const;
const died = (on: string) => ['DeathRecorded', { dateOfDeath: day(on) }] as const;

/** The copy after the deliveries in order (undefined: none changed it). */
function copyAfter(recipient: RegisterAddress, deliveries: readonly (readonly [string, Record<string, unknown>])[]): CopyRetention | undefined {
  let holding: CopyHolding = NO_HOLDING_EVENTS;
  let last: CopyRetention | undefined;
  for (const [eventType, payload] of deliveries) {
    const next = copyRetentionAfter(eventType, payload, recipient, holding);
    if (next) [holding, last] = [next.holding, next];
  }
  return last;
}

describe("a recipient's copy of a person in the log: when its retention period starts", () => {
  it("starts for a Land at the move out of the Land, and not at a move within it", () => {
    expect(copyAfter(NIEDERSACHSEN, [registeredIn('03404000', '2018-04-01'), registeredIn('03241001', '2020-01-01')])?.startedAt).toBeNull();
    expect(copyAfter(NIEDERSACHSEN, [registeredIn('03404000', '2018-04-01'), movedOutTo('03241001', '2020-01-01')])?.startedAt).toBeNull();
    expect(copyAfter(NIEDERSACHSEN, [registeredIn('03404000', '2018-04-01'), registeredIn('14612000', '2026-11-01')])?.startedAt).toEqual(day('2026-11-01'));
    expect(copyAfter(NIEDERSACHSEN, [registeredIn('03404000', '2018-04-01'), movedOutTo('14612000', '2026-11-01')])?.startedAt).toEqual(day('2026-11-01'));
  });

  it('ends for a Land with a later registration in the Land (moved back), and a death starts it for good: the earliest of move away and death counts', () => {
    expect(copyAfter(NIEDERSACHSEN, [movedOutTo('14612000', '2026-11-01'), registeredIn('03404000', '2030-02-01')])?.startedAt).toBeNull();
    expect(copyAfter(NIEDERSACHSEN, [movedOutTo('14612000', '2026-11-01'), died('2040-05-05')])?.startedAt).toEqual(day('2026-11-01'));
    expect(copyAfter(NIEDERSACHSEN, [registeredIn('03404000', '2030-02-01'), died('2040-05-05'), registeredIn('03241001', '2041-01-01')])?.startedAt).toEqual(day('2040-05-05'));
  });

  it('starts for the BZSt at the death only (it keeps the base data of a person who moved abroad)', () => {
    expect(copyAfter(BZST, [registeredIn('14612000', '2026-11-01'), movedOutTo('14612000', '2026-11-01')])).toBeUndefined();
    expect(copyAfter(BZST, [registeredIn('03404000', '2018-04-01'), died('2040-05-05')])).toMatchObject({ register: 'IDNR_BASISDATEN', startedAt: day('2040-05-05') });
  });

  it("leaves a municipality's copy alone: its registers share one key and keep a person for different periods", () => {
    expect(copyAfter(OSNABRUECK, [registeredIn('14612000', '2026-11-01'), died('2040-05-05')])).toBeUndefined();
  });

  it('decides by the dates, not by the order the deliveries arrive in (events of one person come from different senders)', () => {
    const moves = [registeredIn('03404000', '2018-04-01'), registeredIn('14612000', '2026-11-01'), movedOutTo('14612000', '2026-11-01'), registeredIn('03241001', '2031-07-01'), movedOutTo('09162000', '2035-03-01')];
    const inOrder = copyAfter(NIEDERSACHSEN, moves)?.startedAt;
    expect(inOrder).toEqual(day('2035-03-01'));
    fc.assert(fc.property(fc.shuffledSubarray(moves, { minLength: moves.length, maxLength: moves.length }), (arrival) => expect(copyAfter(NIEDERSACHSEN, arrival)?.startedAt).toEqual(inOrder)));
  });
});

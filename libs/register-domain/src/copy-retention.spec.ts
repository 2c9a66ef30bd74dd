import fc from 'fast-check';
import { copyRetentionAfter, NO_HOLDING_EVENTS, type CopyHolding, type CopyRetention } from './copy-retention';
import type { RegisterAddress } from './registers';

const NIEDERSACHSEN: RegisterAddress = { level: 'STATE', instanceKey: '03', register: 'LANDESMELDEREGISTER' };
const BZST: RegisterAddress = { level: 'FEDERAL', instanceKey: 'DE', register: 'IDNR_BASISDATEN' };
const OSNABRUECK: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '03404000', register: 'MELDEREGISTER' };
const DRESDEN: RegisterAddress = { level: 'MUNICIPAL', instanceKey: '14612000', register: 'MELDEREGISTER' };
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

const registeredIn = (municipalityKey: string, on: string, previousMunicipalityKey: string | null = '03000000') =>
  ['ResidenceRegistered', { address: { municipalityKey }, movedInOn: day(on), previousAddress: previousMunicipalityKey === null ? null : { municipalityKey: previousMunicipalityKey } }] as const;
const movedOut = (fromMunicipalityKey: string, toMunicipalityKey: string, on: string) => ['MovedOut', { fromMunicipalityKey, toMunicipalityKey, movedOutOn: day(on) }] as const;
/** A move out of Osnabrück, as the Land it is delivered to sees it. */
const movedOutTo = (municipalityKey: string, on: string) => movedOut('03404000', municipalityKey, on);
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

  it('starts for a municipality at the move away from it (the Rückmeldung, or its own MovedOut), and not at a move within the Land', () => {
    expect(copyAfter(OSNABRUECK, [registeredIn('14612000', '2026-11-01', '03404000')])).toMatchObject({ register: 'MELDEREGISTER', startedAt: day('2026-11-01') });
    expect(copyAfter(OSNABRUECK, [movedOut('03404000', '14612000', '2026-11-01')])?.startedAt).toEqual(day('2026-11-01'));
    expect(copyAfter(OSNABRUECK, [registeredIn('03241001', '2026-11-01', '03404000')])?.startedAt).toEqual(day('2026-11-01'));
    expect(copyAfter(DRESDEN, [movedOut('03404000', '14612000', '2026-11-01')])).toMatchObject({ register: 'MELDEREGISTER', startedAt: null });
  });

  it('ends for a municipality with a later registration in it (the answer to its Rückmeldung, or its own registration), not with an older one; a death starts it for good', () => {
    const awayToDresden = registeredIn('14612000', '2026-11-01', '03404000');
    expect(copyAfter(OSNABRUECK, [awayToDresden, movedOut('14612000', '03404000', '2030-02-01')])?.startedAt).toBeNull();
    expect(copyAfter(OSNABRUECK, [awayToDresden, registeredIn('03404000', '2030-02-01', null)])?.startedAt).toBeNull();
    expect(copyAfter(OSNABRUECK, [awayToDresden, registeredIn('03404000', '2020-02-01', null)])?.startedAt).toEqual(day('2026-11-01'));
    expect(copyAfter(OSNABRUECK, [movedOut('14612000', '03404000', '2030-02-01'), died('2040-05-05')])?.startedAt).toEqual(day('2040-05-05'));
    expect(copyAfter(OSNABRUECK, [awayToDresden, died('2040-05-05')])?.startedAt).toEqual(day('2026-11-01'));
  });

  it('leaves a registration and a move away on the same day registered, whatever their order (safe side: the copy is kept)', () => {
    const sameDay = [registeredIn('03404000', '2026-11-01', null), movedOut('03404000', '14612000', '2026-11-01')];
    expect(copyAfter(OSNABRUECK, sameDay)?.startedAt).toBeNull();
    expect(copyAfter(OSNABRUECK, [...sameDay].reverse())?.startedAt).toBeNull();
  });

  it("changes nothing for a municipality's copy with a name change, an information block or an IdNr (the person stays current), nor for its roll's or its Standesamt's", () => {
    expect(copyAfter(OSNABRUECK, [['NameChanged', { familyName: 'Weber', effectiveOn: day('2030-01-01') }], ['InformationBlockSet', { blockKind: 'AUSKUNFTSSPERRE' }], ['IdNrAssigned', { requestingMunicipalityKey: '03404000' }]])).toBeUndefined();
    expect(copyAfter({ ...OSNABRUECK, register: 'GRUNDSTEUER' }, [died('2040-05-05')])).toBeUndefined();
    expect(copyAfter({ ...OSNABRUECK, register: 'PERSONENSTANDSREGISTER' }, [movedOut('03404000', '14612000', '2026-11-01')])).toBeUndefined();
  });

  it("decides a municipality's copy by the dates, not by arrival: a newer registration in it undoes an older move away, not the reverse", () => {
    const moves = [
      registeredIn('14612000', '2026-11-01', '03404000'),
      movedOut('03404000', '14612000', '2026-11-01'),
      movedOut('14612000', '03404000', '2031-07-01'),
      registeredIn('03404000', '2031-07-01', '14612000'),
      registeredIn('09162000', '2035-03-01', '03404000'),
      movedOut('03404000', '09162000', '2035-03-01'),
    ];
    const cases = [moves, moves.slice(0, 4), moves.slice(0, 3), [moves[0], moves[3]]];
    expect(cases.map((deliveries) => copyAfter(OSNABRUECK, deliveries)?.startedAt)).toEqual([day('2035-03-01'), null, null, null]);
    for (const deliveries of cases) {
      const inOrder = copyAfter(OSNABRUECK, deliveries)?.startedAt;
      fc.assert(fc.property(fc.shuffledSubarray(deliveries, { minLength: deliveries.length, maxLength: deliveries.length }), (arrival) => expect(copyAfter(OSNABRUECK, arrival)?.startedAt).toEqual(inOrder)));
    }
  });

  it('decides by the dates, not by the order the deliveries arrive in (events of one person come from different senders)', () => {
    const moves = [registeredIn('03404000', '2018-04-01'), registeredIn('14612000', '2026-11-01'), movedOutTo('14612000', '2026-11-01'), registeredIn('03241001', '2031-07-01'), movedOutTo('09162000', '2035-03-01')];
    const inOrder = copyAfter(NIEDERSACHSEN, moves)?.startedAt;
    expect(inOrder).toEqual(day('2035-03-01'));
    fc.assert(fc.property(fc.shuffledSubarray(moves, { minLength: moves.length, maxLength: moves.length }), (arrival) => expect(copyAfter(NIEDERSACHSEN, arrival)?.startedAt).toEqual(inOrder)));
  });
});

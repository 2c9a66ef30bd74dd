import {
  applyBlockSet,
  awaitRueckmeldung,
  blockInForce,
  disclosedView,
  mayDiscloseBlockedAddress,
  rueckmeldungAnswered,
  rueckmeldungSuperseded,
  rueckmeldungToAwait,
  validUntilViolation,
} from './information-block';

const address = { street: 'Königsbrücker Straße', houseNumber: '5a', postalCode: '01099', city: 'Dresden', municipalityKey: '14612000' };
const resident = { idnr: '36574261809', familyName: 'Schmidt', address, movedOutTo: null as string | null };
const block = applyBlockSet(undefined, { blockKind: 'AUSKUNFTSSPERRE', validUntil: new Date(Date.UTC(2026, 11, 31)), envelope: { occurredAt: new Date(1000) } });
const caller = { agency: 'kfz-zulassung', exemptAgencies: ['buergeramt-dresden'], today: '2026-06-01' };

describe('information blocks at read time (§§ 51, 52 BMG)', () => {
  it('withholds the address from a caller without the right and says that a block exists, under which basis', () => {
    const view = disclosedView(resident, ['address', 'movedOutTo'], block, caller);
    expect(view).toMatchObject({ idnr: resident.idnr, familyName: 'Schmidt', address: null, movedOutTo: null });
    expect(view.informationBlock).toMatchObject({ kind: 'AUSKUNFTSSPERRE', validUntil: '2026-12-31', addressWithheld: true });
    expect(view.informationBlock?.legalBasis).toContain('§ 51 Abs. 1 BMG');
  });

  it('shows the address to an exempt agency, with the block named', () => {
    const view = disclosedView(resident, ['address'], block, { ...caller, agency: 'buergeramt-dresden' });
    expect(view).toMatchObject({ address, informationBlock: { kind: 'AUSKUNFTSSPERRE', addressWithheld: false } });
  });

  it('honours expiry when read: a block past its last day withholds nothing', () => {
    expect(blockInForce(block, '2026-12-31')).toEqual({ kind: 'AUSKUNFTSSPERRE', validUntil: '2026-12-31' });
    expect(blockInForce(block, '2027-01-01')).toBeUndefined();
    expect(disclosedView(resident, ['address'], block, { ...caller, today: '2027-01-01' })).toEqual({ ...resident, informationBlock: null });
  });

  it('exempts only agencies named in the configuration, never an unauthenticated caller', () => {
    expect(mayDiscloseBlockedAddress(undefined, ['buergeramt-dresden'])).toBe(false);
    expect(mayDiscloseBlockedAddress('buergeramt-dresden', [])).toBe(false);
  });

  it('refuses a validity that ends before today', () => {
    expect(validUntilViolation(new Date(Date.UTC(2026, 4, 31)), new Date(Date.UTC(2026, 5, 1, 12)))).toMatch(/must not be in the past/);
    expect(validUntilViolation(new Date(Date.UTC(2026, 5, 1)), new Date(Date.UTC(2026, 5, 1, 12)))).toBeUndefined();
  });

  it('withholds a newly registered address until the previous Meldebehörde has answered whether a block exists', () => {
    const awaiting = awaitRueckmeldung(undefined, '03404000');
    expect(disclosedView(resident, ['address'], awaiting, caller)).toMatchObject({ address: null, informationBlock: { kind: null, awaitingRueckmeldung: true, addressWithheld: true } });
    expect(rueckmeldungAnswered(awaiting, '03241001')).toBeUndefined();
    expect(disclosedView(resident, ['address'], rueckmeldungAnswered(awaiting, '03404000'), caller)).toMatchObject({ address, informationBlock: null });
    expect(rueckmeldungSuperseded(awaiting)?.awaitingRueckmeldungFrom).toBeNull();
    expect(rueckmeldungSuperseded(rueckmeldungAnswered(awaiting, '03404000'))).toBeUndefined();
  });

  it('awaits the previous municipality in a Melderegister, and in a Land only a previous residence in another Land', () => {
    expect(rueckmeldungToAwait('03404000', { municipality: '14612000' })).toBe('03404000');
    expect(rueckmeldungToAwait('14612000', { municipality: '14612000' })).toBeUndefined();
    expect(rueckmeldungToAwait(null, { municipality: '14612000' })).toBeUndefined();
    expect(rueckmeldungToAwait('03404000', { land: '14' })).toBe('03404000');
    expect(rueckmeldungToAwait('14713000', { land: '14' })).toBeUndefined();
  });
});

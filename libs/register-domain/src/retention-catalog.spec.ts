import fc from 'fast-check';
import { deletionCutoff, keptRecordStatement, keptUntil, RETENTION_CATALOG, retentionRuleFor, type RetentionPeriod, type RetentionRule } from './retention-catalog';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const ruleOf = (table: string, recordKind?: string): RetentionRule =>
  RETENTION_CATALOG.find((rule) => rule.table === table && (recordKind === undefined || rule.recordKind === recordKind))!;

describe('retention catalog', () => {
  it('names a legal basis and a source for every entry, or says what is to be confirmed', () => {
    for (const rule of RETENTION_CATALOG) {
      expect({ table: rule.table, basis: rule.legalBasis.length > 10 }).toEqual({ table: rule.table, basis: true });
      expect({ table: rule.table, sourced: rule.sources.every((source) => /^https:\/\//.test(source)) && (rule.sources.length > 0 || !!rule.toBeConfirmed) }).toEqual({ table: rule.table, sourced: true });
    }
  });

  it('keeps a person an erasure names only where a legal obligation requires it (Art. 17 Abs. 3 lit. b DSGVO), and then transfers them no more', () => {
    const erasures = RETENTION_CATALOG.flatMap((rule) => (rule.erasure ? [{ table: rule.table, ...rule.erasure }] : []));
    expect(erasures).toEqual(
      expect.arrayContaining([
        { table: 'property_tax_entries', kind: 'removed-from-list', column: 'owner_idnrs', subject: { kind: 'PARCEL', column: 'parcel_id' } },
        expect.objectContaining({ table: 'parcels', kind: 'kept-not-transferred', column: 'owner_idnrs', keptIn: 'erased_owner_idnrs', subject: { kind: 'PARCEL', column: 'parcel_id' } }),
      ]),
    );
    for (const erasure of erasures) {
      if (erasure.kind !== 'kept-not-transferred') continue;
      expect({ table: erasure.table, basis: erasure.legalBasis }).toEqual({ table: erasure.table, basis: expect.stringMatching(/^Art\. 17 Abs\. 3 lit\. b DSGVO/) });
      expect(erasure.sources.length > 0 && erasure.sources.every((source) => /^https:\/\//.test(source))).toBe(true);
    }
  });

  it('has one kind of record per table and name, and at most one deletion by time per table (the job applies it)', () => {
    const keys = RETENTION_CATALOG.map((rule) => `${rule.table}/${rule.recordKind}`);
    expect(new Set(keys).size).toBe(keys.length);
    const timedDeletions = RETENTION_CATALOG.filter((rule) => rule.retention.kind === 'timed' && rule.retention.disposal === 'delete').map((rule) => rule.table);
    expect(new Set(timedDeletions).size).toBe(timedDeletions.length);
  });

  it('keeps a moved-away resident 55 years after the end of the calendar year of the move (§ 13 Abs. 2 BMG), a current one while current', () => {
    const rule = ruleOf('residents');
    expect(keptRecordStatement(rule, [day('2026-03-14')])).toEqual({
      recordKind: 'resident',
      legalBasis: rule.legalBasis,
      keptUntil: '2081-12-31',
      rule: 'kept 55 years after the end of the calendar year of moving away or death, then deleted',
    });
    expect(keptRecordStatement(rule, [null]).keptUntil).toBeNull();
    expect(keptRecordStatement(rule, []).keptUntil).toBeNull();
  });

  it('keeps the IdNr base data 20 years after the end of the calendar year of the death', () => {
    const rule = retentionRuleFor('IDNR_BASISDATEN', 'base data of an IdNr')!;
    expect(keptRecordStatement(rule, [day('2030-06-30')]).keptUntil).toBe('2050-12-31');
  });

  it('states the latest end of several records of a kind, and none while one of them is current', () => {
    const rule = ruleOf('transfer_log');
    expect(keptRecordStatement(rule, [new Date('2025-01-10T10:00:00Z'), new Date('2026-03-01T23:30:00Z')]).keptUntil).toBe('2028-03-01');
    expect(keptRecordStatement(ruleOf('residents'), [day('2026-03-14'), null]).keptUntil).toBeNull();
  });

  it('says a record kept while current has no end date, and why', () => {
    const statement = keptRecordStatement(ruleOf('property_tax_entries'), [new Date('2026-01-01T00:00:00Z')]);
    expect(statement.keptUntil).toBeNull();
    expect(statement.rule).toMatch(/^kept while current: a change replaces the entry/);
  });

  it('keeps a transfer log entry through the same day two years later (§ 9 Abs. 3 IDNrG, § 188 Abs. 2 BGB), a 29 February through the 28th', () => {
    const period = (ruleOf('transfer_log').retention as { period: RetentionPeriod }).period;
    expect(keptUntil(period, new Date('2024-11-25T11:59:59Z')).toISOString()).toBe('2026-11-25T23:59:59.999Z');
    expect(keptUntil(period, new Date('2024-02-29T08:00:00Z')).toISOString()).toBe('2026-02-28T23:59:59.999Z');
    expect(deletionCutoff(period, new Date('2026-11-26T00:00:00Z')).toISOString()).toBe('2024-11-26T00:00:00.000Z');
  });

  it('offers civil status entries to the archive instead of deleting them (§ 7 Abs. 3 PStG)', () => {
    const birth = retentionRuleFor('PERSONENSTANDSREGISTER', 'birth entry (Geburtenregister)')!;
    expect(birth.retention).toMatchObject({ kind: 'timed', disposal: 'offer-to-archive', period: { years: 110 } });
    expect(keptRecordStatement(birth, [day('2026-11-25')])).toMatchObject({ keptUntil: '2136-11-25', rule: 'kept 110 years after the birth was recorded, then offered to the archive' });
  });

  const periods: fc.Arbitrary<RetentionPeriod> = fc.oneof(
    fc.record({ years: fc.integer({ min: 0, max: 120 }), from: fc.constantFrom('event-day' as const, 'end-of-calendar-year' as const) }),
    fc.record({ hours: fc.integer({ min: 0, max: 24 * 400 }) }),
  );
  const instants = fc.date({ min: new Date('1890-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true });

  it('never ends a retention before its event, and a later event never ends it earlier (property)', () => {
    fc.assert(
      fc.property(periods, instants, instants, (period, a, b) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        expect(keptUntil(period, earlier).getTime()).toBeGreaterThanOrEqual(earlier.getTime());
        expect(keptUntil(period, earlier).getTime()).toBeLessThanOrEqual(keptUntil(period, later).getTime());
      }),
      { numRuns: 2000 },
    );
  });

  it("selects for deletion exactly the records whose retention ended: the job's cutoff agrees with keptUntil (property)", () => {
    fc.assert(
      fc.property(periods, instants, instants, (period, eventAt, now) => {
        expect(eventAt < deletionCutoff(period, now)).toBe(keptUntil(period, eventAt) < now);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees at the day boundaries around 29 February too (property)', () => {
    const aroundLeapDays = fc.tuple(fc.constantFrom(2024, 2028, 2100, 2000), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 3 })).map(
      ([year, days, quarter]) => new Date(Date.UTC(year, 1, 29 + days) + quarter * 6 * 60 * 60 * 1000),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), aroundLeapDays, aroundLeapDays, (years, eventAt, nowBase) => {
        const period: RetentionPeriod = { years, from: 'event-day' };
        const now = new Date(nowBase.getTime() + years * 365 * 24 * 60 * 60 * 1000);
        expect(eventAt < deletionCutoff(period, now)).toBe(keptUntil(period, eventAt) < now);
      }),
      { numRuns: 3000 },
    );
  });
});

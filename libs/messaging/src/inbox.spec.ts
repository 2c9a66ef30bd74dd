import fc from 'fast-check';
import { GapRule, HeldVersion, arrivalOutcome, releasableAfter, versionOutcome } from './inbox';

describe('versionOutcome', () => {
  it('finds an event older than or equal to the applied version stale', () => {
    expect(versionOutcome(3, 3)).toBe('stale');
    expect(versionOutcome(3, 2, false)).toBe('stale');
  });

  it('reports skipped versions as a gap where every version of the source passes (the router)', () => {
    expect(versionOutcome(null, 1)).toBe('applied');
    expect(versionOutcome(3, 4)).toBe('applied');
    expect(versionOutcome(3, 5)).toBe('gap_applied');
    expect(versionOutcome(null, 2)).toBe('gap_applied');
  });

  it('applies a later version as no gap on a delivery stream, which holds only the events routed to it', () => {
    expect(versionOutcome(3, 9, false)).toBe('applied');
    expect(versionOutcome(null, 4, false)).toBe('applied');
  });
});

const ROUTER: GapRule = { detectGaps: true, atGap: 'hold' };
const RECIPIENT: GapRule = { detectGaps: false, atGap: 'hold' };

describe('arrivalOutcome (hold at a gap)', () => {
  it('holds an event whose previous version is missing where every version passes (the router)', () => {
    expect(arrivalOutcome(3, 4, undefined, ROUTER)).toBe('applied');
    expect(arrivalOutcome(3, 5, undefined, ROUTER)).toBe('held');
    expect(arrivalOutcome(null, 2, undefined, ROUTER)).toBe('held');
    expect(arrivalOutcome(3, 3, undefined, ROUTER)).toBe('stale');
  });

  it('holds a delivery whose stamped predecessor is ahead of the applied version, and applies it when they match', () => {
    expect(arrivalOutcome(3, 9, 3, RECIPIENT)).toBe('applied');
    expect(arrivalOutcome(3, 9, 5, RECIPIENT)).toBe('held');
    expect(arrivalOutcome(null, 9, 5, RECIPIENT)).toBe('held');
    // The recipient applied more than the router remembers delivering (e.g. the router's database is younger): no wait.
    expect(arrivalOutcome(6, 9, 5, RECIPIENT)).toBe('applied');
    expect(arrivalOutcome(9, 9, 5, RECIPIENT)).toBe('stale');
  });

  it('applies an unstamped delivery as before (a record from before the stamp)', () => {
    expect(arrivalOutcome(3, 9, undefined, RECIPIENT)).toBe('applied');
    expect(arrivalOutcome(null, 4, undefined, RECIPIENT)).toBe('applied');
  });

  it('applies over the gap, reported as gap_applied, where the consumer does not hold (an operator release, the replay)', () => {
    expect(arrivalOutcome(3, 5, undefined, { detectGaps: true, atGap: 'apply' })).toBe('gap_applied');
    expect(arrivalOutcome(3, 9, 5, { detectGaps: false, atGap: 'apply' })).toBe('gap_applied');
    expect(arrivalOutcome(3, 4, undefined, { detectGaps: true, atGap: 'apply' })).toBe('applied');
  });
});

describe('releasableAfter', () => {
  it('releases held events in version order up to the first that still waits, stale ones included', () => {
    const held = [{ subjectVersion: 6 }, { subjectVersion: 4 }, { subjectVersion: 3 }, { subjectVersion: 2 }];
    expect(releasableAfter(2, held, true).map((event) => event.subjectVersion)).toEqual([2, 3, 4]);
    expect(releasableAfter(1, held, true).map((event) => event.subjectVersion)).toEqual([2, 3, 4]);
    expect(releasableAfter(null, held, true)).toEqual([]);
  });
});

/**
 * A consumer of one subject and sender as the transport runs it: an arrival is decided by arrivalOutcome (held ones
 * parked), and after each one applied, releasableAfter's events are applied in turn. Returns the versions applied.
 */
function consume(arrivals: readonly HeldVersion[], rule: GapRule): number[] {
  let applied: number | null = null;
  const parked: HeldVersion[] = [];
  const log: number[] = [];
  const apply = (event: HeldVersion): boolean => {
    const outcome = arrivalOutcome(applied, event.subjectVersion, event.deliveredAfter, rule);
    if (outcome === 'held') return false;
    if (outcome !== 'stale') {
      applied = event.subjectVersion;
      log.push(event.subjectVersion);
    }
    return true;
  };
  for (const arrival of arrivals) {
    if (!apply(arrival)) {
      parked.push(arrival);
      continue;
    }
    for (const event of releasableAfter(applied, parked, rule.detectGaps)) {
      if (!apply(event)) break;
      parked.splice(parked.indexOf(event), 1);
    }
  }
  return log;
}

/** Versions 1..n in any order, with one of them held back until the end (dead-lettered, then re-driven). */
const arrivalOrders = fc
  .integer({ min: 1, max: 12 })
  .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: n }), fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n })));

describe('hold at a gap, whatever the arrival order', () => {
  it('the router applies each version exactly once, in version order, once the missing one arrives', () => {
    fc.assert(
      fc.property(arrivalOrders, ([n, missing, order]) => {
        const arrivals = [...order.filter((version) => version !== missing), missing].map((subjectVersion) => ({ subjectVersion }));
        expect(consume(arrivals, ROUTER)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      }),
    );
  });

  it('applies nothing after the missing version before it arrives', () => {
    fc.assert(
      fc.property(arrivalOrders, ([, missing, order]) => {
        const before = order.filter((version) => version !== missing).map((subjectVersion) => ({ subjectVersion }));
        expect(consume(before, ROUTER).every((version) => version < missing)).toBe(true);
      }),
    );
  });

  it('a recipient of some of the versions applies each delivered one exactly once, in version order, by the stamps', () => {
    const deliveries = fc
      .uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 })
      .map((versions) => versions.sort((a, b) => a - b))
      .chain((versions) => fc.tuple(fc.constant(versions), fc.integer({ min: 0, max: versions.length - 1 }), fc.shuffledSubarray(versions, { minLength: versions.length, maxLength: versions.length })));
    fc.assert(
      fc.property(deliveries, ([versions, missingIndex, order]) => {
        // The router's stamp: the version it delivered to this recipient before.
        const stamped = new Map(versions.map((version, index) => [version, index === 0 ? undefined : versions[index - 1]]));
        const missing = versions[missingIndex];
        const arrivals = [...order.filter((version) => version !== missing), missing].map((subjectVersion) => ({ subjectVersion, deliveredAfter: stamped.get(subjectVersion) }));
        expect(consume(arrivals, RECIPIENT)).toEqual(versions);
      }),
    );
  });
});

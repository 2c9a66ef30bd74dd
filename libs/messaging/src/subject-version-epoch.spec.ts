import fc from 'fast-check';
import { versionOutcome } from './inbox';
import { EPOCH_SPAN, counterOf, epochOf, isNextVersion, subjectVersionOf } from './subject-version-epoch';

// Epochs up to 2^21 - 1 keep every version below 2^53, where JavaScript numbers are exact.
const epoch = fc.integer({ min: 0, max: 2 ** 21 - 1 });
const counter = fc.integer({ min: 1, max: EPOCH_SPAN - 1 });
/** Two epochs e < e' (not necessarily adjacent: a producer may be restored again before sending). */
const twoEpochs = fc.tuple(epoch, fc.integer({ min: 1, max: 1_000 })).map(([earlier, distance]) => [Math.min(earlier, 2 ** 21 - 1 - distance), distance] as const).map(([earlier, distance]) => [earlier, earlier + distance] as const);

/** Applies `versions` in arrival order as the inbox does; returns each outcome and the versions applied, in order. */
function deliver(versions: readonly number[], detectGaps = true): { outcomes: string[]; applied: number[] } {
  let previous: number | null = null;
  const outcomes: string[] = [];
  const applied: number[] = [];
  for (const version of versions) {
    const outcome = versionOutcome(previous, version, detectGaps);
    outcomes.push(outcome);
    if (outcome !== 'stale') {
      applied.push(version);
      previous = version;
    }
  }
  return { outcomes, applied };
}

describe('subject versions with an epoch', () => {
  it('keeps epoch and counter apart in one exact number', () => {
    fc.assert(
      fc.property(epoch, counter, (e, c) => {
        const version = subjectVersionOf(e, c);
        expect(Number.isSafeInteger(version)).toBe(true);
        expect([epochOf(version), counterOf(version)]).toEqual([e, c]);
      }),
    );
  });

  it('orders every event of a later epoch after every event of an earlier one, whatever the arrival order', () => {
    fc.assert(
      fc.property(
        twoEpochs,
        fc.integer({ min: 0, max: 1_000 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { minLength: 1, maxLength: 16 }),
        fc.boolean(),
        ([earlier, later], offset, arrivals, detectGaps) => {
          // Each arrival is an event of the earlier or the later epoch, at some position; the restored producer's
          // counter starts again below where the earlier epoch's ended (a rollback by `offset`).
          const earlierVersions = arrivals.filter(([isLater]) => !isLater).map((_, n) => subjectVersionOf(earlier, offset + n + 1));
          const laterVersions = arrivals.filter(([isLater]) => isLater).map((_, n) => subjectVersionOf(later, n + 1));
          const positions = arrivals.map(([, position]) => position);
          const arrival = [...earlierVersions, ...laterVersions].map((version, n) => ({ version, at: positions[n] })).sort((a, b) => a.at - b.at).map(({ version }) => version);

          const { applied } = deliver(arrival, detectGaps);
          const firstLater = applied.findIndex((version) => epochOf(version) === later);
          if (firstLater >= 0) expect(applied.slice(firstLater).every((version) => epochOf(version) === later)).toBe(true);
          expect(applied).toEqual([...applied].sort((a, b) => a - b));
          for (const e of earlierVersions) for (const l of laterVersions) expect(versionOutcome(l, e, detectGaps)).toBe('stale');
        },
      ),
    );
  });

  it('applies the first event of a later epoch as the next one, not a gap, after any version of an earlier epoch', () => {
    fc.assert(
      fc.property(twoEpochs, counter, fc.integer({ min: 1, max: 8 }), ([earlier, later], last, count) => {
        const inOrder = [subjectVersionOf(earlier, last), ...Array.from({ length: count }, (_, n) => subjectVersionOf(later, n + 1))];
        expect(deliver(inOrder).outcomes.slice(1)).toEqual(Array(count).fill('applied'));
        expect(isNextVersion(null, subjectVersionOf(later, 1))).toBe(true);
      }),
    );
  });

  it('finds a gap when a later epoch begins past its first event', () => {
    fc.assert(
      fc.property(twoEpochs, counter, fc.integer({ min: 2, max: EPOCH_SPAN - 1 }), ([earlier, later], last, first) => {
        expect(versionOutcome(subjectVersionOf(earlier, last), subjectVersionOf(later, first))).toBe('gap_applied');
        expect(versionOutcome(subjectVersionOf(earlier, last), subjectVersionOf(later, first), false)).toBe('applied');
      }),
    );
  });

  it('decides within one epoch as without epochs: stale, next, or a gap by the counters alone', () => {
    fc.assert(
      fc.property(epoch, fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 1, max: 1_000 }), fc.boolean(), (e, previous, next, detectGaps) => {
        const expected = next <= previous ? 'stale' : !detectGaps || next === previous + 1 ? 'applied' : 'gap_applied';
        expect(versionOutcome(subjectVersionOf(e, previous), subjectVersionOf(e, next), detectGaps)).toBe(expected);
      }),
    );
  });
});

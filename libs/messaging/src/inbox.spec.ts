import { versionOutcome } from './inbox';

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

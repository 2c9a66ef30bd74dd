import { repairProgress } from './repair-progress';

describe('repairProgress', () => {
  const counts = { total: 200, done: 50, restated: 45, notHeldHere: 4, failed: 1 };

  it('gives the share done and the subjects per second since the start', () => {
    expect(repairProgress(counts, 10_000, undefined, 20_000)).toMatchObject({ fraction: 0.25, subjectsPerSecond: 5 });
  });

  it('keeps the rate of a finished repair up to its end', () => {
    expect(repairProgress({ ...counts, done: 200 }, 10_000, 30_000, 90_000)).toMatchObject({ fraction: 1, subjectsPerSecond: 10 });
  });

  it('counts an empty repair as complete and never divides by zero', () => {
    expect(repairProgress({ total: 0, done: 0, restated: 0, notHeldHere: 0, failed: 0 }, 5, 5, 5)).toMatchObject({ fraction: 1, subjectsPerSecond: 0 });
  });
});

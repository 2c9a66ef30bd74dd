import fc from 'fast-check';
import { OffsetCommits, PartitionOffset } from './offset-commits';

/** A commit function whose calls finish when the test says so, recording what each call committed. */
function controlledCommits() {
  const calls: { offsets: PartitionOffset[]; finish: () => void }[] = [];
  const commit = (offsets: PartitionOffset[]) => new Promise<void>((resolve) => calls.push({ offsets, finish: resolve }));
  return { calls, commit };
}

const offset = (topic: string, partition: number, value: number): PartitionOffset => ({ topic, partition, offset: String(value) });

describe('OffsetCommits', () => {
  it('sends the first request at once and joins the requests made meanwhile into the next commit, the highest offset per partition', async () => {
    const { calls, commit } = controlledCommits();
    const commits = new OffsetCommits(commit, () => undefined);
    commits.request(offset('t', 0, 5));
    expect(calls.map((call) => call.offsets)).toEqual([[offset('t', 0, 5)]]);
    commits.request(offset('t', 0, 9));
    commits.request(offset('t', 1, 3));
    commits.request(offset('t', 0, 7));
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.map((call) => call.offsets)).toEqual([[offset('t', 0, 5)], [offset('t', 0, 9), offset('t', 1, 3)]]);
    calls[1].finish();
    await commits.settled();
  });

  it('settles only after the last requested offset is committed, and goes on after a failed commit', async () => {
    const committed: PartitionOffset[][] = [];
    const failures: string[] = [];
    let fail = true;
    const commits = new OffsetCommits(
      async (offsets) => {
        committed.push(offsets);
        if (fail) {
          fail = false;
          throw new Error('coordinator moved');
        }
      },
      (error) => failures.push((error as Error).message),
    );
    commits.request(offset('t', 0, 1));
    await commits.settled();
    commits.request(offset('t', 0, 2));
    await commits.settled();
    expect(committed).toEqual([[offset('t', 0, 1)], [offset('t', 0, 2)]]);
    expect(failures).toEqual(['coordinator moved']);
  });

  it('commits every partition in increasing order and ends at its last requested offset, however requests and commits interleave', async () => {
    const step = fc.oneof(fc.record({ kind: fc.constant('request' as const), partition: fc.integer({ min: 0, max: 2 }) }), fc.constant({ kind: 'finish' as const, partition: 0 }));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const { calls, commit } = controlledCommits();
        const commits = new OffsetCommits(commit, () => undefined);
        const next = [0, 0, 0];
        let finished = 0;
        for (const { kind, partition } of steps) {
          if (kind === 'request') commits.request(offset('t', partition, ++next[partition]));
          else if (finished < calls.length) {
            calls[finished++].finish();
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
        let settled = false;
        void commits.settled().then(() => (settled = true));
        while (!settled) {
          if (finished < calls.length) calls[finished++].finish();
          await new Promise((resolve) => setImmediate(resolve));
        }
        for (const partition of [0, 1, 2]) {
          const sequence = calls.flatMap((call) => call.offsets.filter((entry) => entry.partition === partition).map((entry) => Number(entry.offset)));
          expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
          expect(sequence.at(-1) ?? 0).toBe(next[partition]);
        }
      }),
    );
  });
});

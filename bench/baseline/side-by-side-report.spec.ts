import { cellRow, highestRateHeld, regsyncOverBaseline, sideBySideReport, type Cell, type RunFigures } from './side-by-side-report';

const run = (perSecond: number, p99: number, loadAverage = 2): RunFigures => ({
  perSecond,
  endToEnd: { p50: p99 / 2, p95: p99 - 1, p99, max: p99 + 10 },
  http: { p50: 5, p95: 8, p99: 9, max: 12 },
  lost: 0,
  duplicated: 0,
  refused: 0,
  loadAverage,
});

const cells: Cell[] = [
  { pipeline: 'regsync', load: { clients: 8 }, runs: [run(60, 300), run(50, 400), run(70, 200)] },
  { pipeline: 'baseline', load: { clients: 8 }, runs: [run(30, 100), run(20, 90), run(40, 80)] },
  { pipeline: 'regsync', load: { rate: 50 }, runs: [run(49, 90), run(48, 120), run(49, 95)] },
  { pipeline: 'regsync', load: { rate: 100 }, runs: [run(80, 150), run(70, 99), run(85, 300)] },
  { pipeline: 'baseline', load: { rate: 50 }, runs: [run(49, 101), run(49, 300), run(49, 150)] },
];

describe('side-by-side report', () => {
  it('finds the highest fixed rate whose median p99 stays within 100 ms', () => {
    expect(highestRateHeld(cells, 'regsync')).toBe(50);
    expect(highestRateHeld(cells, 'baseline')).toBeUndefined();
  });

  it('does not count a rate held when a run never finished (no latency)', () => {
    const unfinished: Cell = { pipeline: 'raw', load: { rate: 500 }, runs: [run(500, 20), { ...run(0, 0), endToEnd: undefined }, run(500, 30)] };
    expect(highestRateHeld([unfinished], 'raw')).toBeUndefined();
  });

  it('compares regsync with the baseline under the same load by their median throughput', () => {
    expect(regsyncOverBaseline(cells)).toEqual([
      { load: '8 clients', ratio: 2 },
      { load: 'fixed 50/s', ratio: 1 },
    ]);
  });

  it('reports the median and range of every figure and sums lost, duplicated and refused over the runs', () => {
    const lossy: Cell = { pipeline: 'baseline', load: { clients: 1 }, runs: [{ ...run(10, 50), lost: 2 }, { ...run(12, 60), duplicated: 1 }, run(11, 70, 3.5)] };
    expect(cellRow(lossy)).toBe('| (b) NestJS ServerKafka baseline | 1 clients | 11 (10–12) actions/s | 5 (5–5) | 9 (9–9) | 30 (25–35) | 59 (49–69) | 60 (50–70) | 70 (60–80) | 2 / 1 / 0 | 2.0 (2.0–3.5) |');
  });

  it('labels a raw throughput run by its records', () => {
    expect(cellRow({ pipeline: 'raw', load: { records: 20_000 }, runs: [{ ...run(25_000, 0), endToEnd: undefined, http: undefined }] })).toMatch(
      /^\| \(a\) raw kafkajs, no transactions \| 20,000 records, as fast as it goes \| 25000 records\/s \| – \| – \| – /,
    );
  });

  it('puts the guarantees of the measured pipelines beside each other', () => {
    const markdown = sideBySideReport(cells, ['# title']);
    expect(markdown).toContain('| guarantee | (c) regsync product path | (b) NestJS ServerKafka baseline |');
    expect(markdown).toContain('| exactly-once effect in every recipient | yes (inbox in the apply transaction) | no: no inbox, a redelivery applies again (at least once) |');
  });
});

import { medianAndRange } from '../latency-summary';

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export type Pipeline = 'regsync' | 'baseline' | 'raw' | 'raw-transactional';

/** One run of one cell. */
export interface RunFigures {
  perSecond: number;
  /** Start (agency call, or send) → applied in the last recipient. */
  endToEnd?: LatencySummary;
  http?: LatencySummary;
  lost: number;
  duplicated: number;
  refused: number;
  loadAverage: number;
}

/** One pipeline under one load (closed loop of n clients, or a fixed rate), measured `runs.length` times. */
export interface Cell {
  pipeline: Pipeline;
  /** Closed loop of n clients, a fixed rate (open loop), or (raw) n records sent as fast as the broker takes them. */
  load: { clients: number } | { rate: number } | { records: number };
  runs: RunFigures[];
}

export const PIPELINE_LABELS: Record<Pipeline, string> = {
  regsync: '(c) regsync product path',
  baseline: '(b) NestJS ServerKafka baseline',
  raw: '(a) raw kafkajs, no transactions',
  'raw-transactional': '(a) raw kafkajs, transactions',
};

const UNIT: Record<Pipeline, string> = { regsync: 'actions/s', baseline: 'actions/s', raw: 'records/s', 'raw-transactional': 'records/s' };

/** What each pipeline guarantees, as built (yes/no per row, with the reason where it is no). */
export const GUARANTEES: { guarantee: string; answers: Record<Pipeline, string> }[] = [
  {
    guarantee: 'register row and event in one transaction (no event lost after commit)',
    answers: { regsync: 'yes (outbox)', baseline: 'no: sent after commit; a crash or broker error in between loses the event', raw: 'n/a', 'raw-transactional': 'n/a' },
  },
  {
    guarantee: 'exactly-once effect in every recipient',
    answers: { regsync: 'yes (inbox in the apply transaction)', baseline: 'no: no inbox, a redelivery applies again (at least once)', raw: 'no', 'raw-transactional': 'no (Kafka transactions end at the broker)' },
  },
  {
    guarantee: 'routing by legal basis (a recipient reads only what it may)',
    answers: { regsync: 'yes (router, routing catalog, ACLs)', baseline: 'no: every recipient reads every Anmeldung and filters', raw: 'no', 'raw-transactional': 'no' },
  },
  { guarantee: 'transfer log (§ 9 IDNrG) per delivery', answers: { regsync: 'yes', baseline: 'no', raw: 'no', 'raw-transactional': 'no' } },
  { guarantee: 'order per subject', answers: { regsync: 'yes (key, subject versions, gaps held)', baseline: 'yes while nothing is retried (key = IdNr)', raw: 'yes (key)', 'raw-transactional': 'yes (key)' } },
  { guarantee: 'bad input: 4xx or dead letter with reason', answers: { regsync: 'yes', baseline: 'HTTP 400 yes; a bad event is logged and skipped', raw: 'no', 'raw-transactional': 'no' } },
];

function loadLabel(load: Cell['load']): string {
  if ('clients' in load) return `${load.clients} clients`;
  if ('rate' in load) return `fixed ${load.rate}/s`;
  return `${load.records.toLocaleString('en-US')} records, as fast as it goes`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function latencyCell(runs: RunFigures[], pick: (run: RunFigures) => LatencySummary | undefined, key: keyof LatencySummary): string {
  const values = runs.map(pick).filter((summary): summary is LatencySummary => summary !== undefined).map((summary) => summary[key]);
  return medianAndRange(values);
}

/** The highest fixed rate whose median p99 (start → applied in the last recipient) is at most `limitMs`. */
export function highestRateHeld(cells: readonly Cell[], pipeline: Pipeline, limitMs = 100): number | undefined {
  const held = cells
    .filter((cell) => cell.pipeline === pipeline && 'rate' in cell.load)
    .filter((cell) => {
      const p99s = cell.runs.flatMap((run) => (run.endToEnd ? [run.endToEnd.p99] : []));
      return p99s.length === cell.runs.length && p99s.length > 0 && median(p99s) <= limitMs;
    })
    .map((cell) => (cell.load as { rate: number }).rate);
  return held.length ? Math.max(...held) : undefined;
}

/** (c) over (b) for every load both were measured under, from the median throughputs. */
export function regsyncOverBaseline(cells: readonly Cell[]): { load: string; ratio: number }[] {
  const medianOf = (pipeline: Pipeline, load: string) => {
    const cell = cells.find((candidate) => candidate.pipeline === pipeline && loadLabel(candidate.load) === load);
    return cell ? median(cell.runs.map((run) => run.perSecond)) : undefined;
  };
  const loads = [...new Set(cells.filter((cell) => cell.pipeline === 'regsync').map((cell) => loadLabel(cell.load)))];
  return loads.flatMap((load) => {
    const regsync = medianOf('regsync', load);
    const baseline = medianOf('baseline', load);
    return regsync !== undefined && baseline ? [{ load, ratio: regsync / baseline }] : [];
  });
}

export function cellRow(cell: Cell): string {
  const runs = cell.runs;
  const sum = (key: 'lost' | 'duplicated' | 'refused') => runs.reduce((total, run) => total + run[key], 0);
  const http = (key: keyof LatencySummary) => (runs.some((run) => run.http) ? latencyCell(runs, (run) => run.http, key) : '–');
  const endToEnd = (key: keyof LatencySummary) => latencyCell(runs, (run) => run.endToEnd, key);
  return (
    `| ${PIPELINE_LABELS[cell.pipeline]} | ${loadLabel(cell.load)} | ${medianAndRange(runs.map((run) => run.perSecond))} ${UNIT[cell.pipeline]} | ` +
    `${http('p50')} | ${http('p99')} | ${endToEnd('p50')} | ${endToEnd('p95')} | ${endToEnd('p99')} | ${endToEnd('max')} | ` +
    `${sum('lost')} / ${sum('duplicated')} / ${sum('refused')} | ${medianAndRange(runs.map((run) => run.loadAverage), 1)} |`
  );
}

/** The markdown of `npm run bench -- --baseline`. */
export function sideBySideReport(cells: readonly Cell[], header: string[]): string {
  const pipelines = [...new Set(cells.map((cell) => cell.pipeline))];
  const ratios = regsyncOverBaseline(cells);
  return [
    ...header,
    '',
    '| pipeline | load | throughput | HTTP p50 ms | HTTP p99 ms | e2e p50 ms | e2e p95 ms | e2e p99 ms | e2e max ms | lost / dup / refused | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...cells.map(cellRow),
    '',
    '| pipeline | highest fixed rate with e2e p99 ≤ 100 ms |',
    '|---|---|',
    ...pipelines.map((pipeline) => `| ${PIPELINE_LABELS[pipeline]} | ${highestRateHeld(cells, pipeline)?.toString() ?? 'none of the rates measured'} |`),
    '',
    ...(ratios.length ? ['| load | (c) / (b), median actions/s |', '|---|---|', ...ratios.map(({ load, ratio }) => `| ${load} | ${ratio.toFixed(2)}× |`), ''] : []),
    `| guarantee | ${pipelines.map((pipeline) => PIPELINE_LABELS[pipeline]).join(' | ')} |`,
    `|---|${pipelines.map(() => '---').join('|')}|`,
    ...GUARANTEES.map(({ guarantee, answers }) => `| ${guarantee} | ${pipelines.map((pipeline) => answers[pipeline]).join(' | ')} |`),
    '',
  ].join('\n');
}

import { RunResult } from './bench-run';

export interface WireSizes {
  events: number;
  avroBytes: number;
  jsonBytes: number;
}

export interface BenchReport {
  startedAt: Date;
  minutes: number;
  machine: string;
  rate: number;
  throughput: RunResult[];
  latency: RunResult[];
  wire: WireSizes;
}

const PIPELINE_NAMES: Record<RunResult['pipeline'], string> = {
  raw: '(a) raw kafkajs, no database (ceiling)',
  'raw-transactional': '(a) raw kafkajs, Kafka transactions of what queued meanwhile, read_committed',
  naive: '(b) naive: NestJS ServerKafka + JSON + 1 tx/event',
  regsync: '(c) regsync: outbox → relay → Kafka → inbox → register',
};

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const microsPerEvent = (run: RunResult, role: 'producer' | 'consumer') => fixed((run[role].cpuSeconds * 1e6) / run.count);

/** The markdown that `npm run bench` prints and writes to bench/results/latest.md. */
export function resultsReport(report: BenchReport): string {
  const lines = [
    `# regsync bench, ${report.startedAt.toISOString()}`,
    '',
    `Machine: ${report.machine}. Whole run: ${fixed(report.minutes, 1)} min. Load average (1 min) at the start of each run in the tables.`,
    '',
    '## Throughput (events applied per second, first send → last apply)',
    '',
    '| pipeline | events | seconds | events/s | peak RSS producer / consumer (MB) | CPU µs/event producer / consumer | load |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...report.throughput.map(
      (run) =>
        `| ${PIPELINE_NAMES[run.pipeline]} | ${fixed(run.count)} | ${fixed(run.seconds, 1)} | **${fixed(run.eventsPerSecond)}** | ${fixed(run.producer.maxRssMb)} / ${fixed(run.consumer.maxRssMb)} | ${microsPerEvent(run, 'producer')} / ${microsPerEvent(run, 'consumer')} | ${fixed(run.loadAverage, 1)} |`,
    ),
    '',
    '## Ratios',
    '',
    '| events | c/a (share of the ceiling) | c/b (vs naive baseline) |',
    '|---:|---:|---:|',
    ...ratioRows(report.throughput),
    '',
    `## End-to-end latency at a fixed ${fixed(report.rate)} events/s (send → applied, ms)`,
    '',
    '| pipeline | events | achieved events/s | p50 | p95 | p99 | max | peak RSS producer / consumer (MB) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.latency.map((run) => {
      const latency = run.consumer.latencyMs!;
      return `| ${PIPELINE_NAMES[run.pipeline]} | ${fixed(run.count)} | ${fixed(run.eventsPerSecond)} | ${fixed(latency.p50)} | ${fixed(latency.p95)} | ${fixed(latency.p99)} | ${fixed(latency.max)} | ${fixed(run.producer.maxRssMb)} / ${fixed(run.consumer.maxRssMb)} |`;
    }),
    '',
    `## Bytes per event (ResidenceRegistered, mean of ${fixed(report.wire.events)} workload events)`,
    '',
    '| encoding | bytes/event | relative |',
    '|---|---:|---:|',
    `| Avro, Confluent framing (regsync) | ${fixed(report.wire.avroBytes, 1)} | 1.00 |`,
    `| JSON (NestJS stock serializer) | ${fixed(report.wire.jsonBytes, 1)} | ${fixed(report.wire.jsonBytes / report.wire.avroBytes, 2)} |`,
    '',
  ];
  return lines.join('\n');
}

function ratioRows(runs: RunResult[]): string[] {
  const sizes = [...new Set(runs.map((run) => run.count))];
  const rate = (pipeline: RunResult['pipeline'], count: number) => runs.find((run) => run.pipeline === pipeline && run.count === count)?.eventsPerSecond;
  const ratio = (numerator?: number, denominator?: number) => (numerator && denominator ? `${fixed(numerator / denominator, 2)}×` : 'n/a');
  return sizes.map((count) => `| ${fixed(count)} | ${ratio(rate('regsync', count), rate('raw', count))} | ${ratio(rate('regsync', count), rate('naive', count))} |`);
}

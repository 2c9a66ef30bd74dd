import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HistogramBucket, bucketIncrease, histogramQuantile } from './histogram-quantile';
import { PrometheusSample, sumSamples } from '@regsync/observability/prometheus-rules';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { KafkaConnection } from '../kafka/kafka-connection';
import { ConsumerLagService } from '../lag/consumer-lag.service';
import { InstanceMetricsService, Totals, totalsOf } from '../throughput/instance-metrics.service';
import { Aggregation, DownsampledSeries, Resolution } from './downsampled-series';

/** The windows the page offers, each read at about POINTS_PER_WINDOW points. */
export const HISTORY_WINDOWS = { '15m': 15 * 60_000, '1h': 60 * 60_000, '6h': 6 * 60 * 60_000, '24h': 24 * 60 * 60_000 } as const;
export type HistoryWindow = keyof typeof HISTORY_WINDOWS;

/** The page's poll interval: the finest resolution, 15 minutes in 450 samples. */
export const SAMPLE_INTERVAL_MS = 2_000;
const POINTS_PER_WINDOW = 450;
/** 2 s, 8 s, 48 s and 192 s buckets; the open bucket takes a place, and one more keeps the window's first bucket. */
export const HISTORY_RESOLUTIONS: Resolution[] = Object.values(HISTORY_WINDOWS).map((windowMs) => ({ stepMs: windowMs / POINTS_PER_WINDOW, capacity: POINTS_PER_WINDOW + 2 }));
/** Series of one chart kept at most (consumer groups come and go): the least recently sampled is forgotten first. */
export const MAX_SERIES_PER_CHART = 100;
const LATENCY_QUANTILES = [0.5, 0.95, 0.99];

interface ChartDefinition {
  id: string;
  title: string;
  unit: string;
  aggregation: Aggregation;
}

/** What the page draws, in this order. */
export const HISTORY_CHARTS: ChartDefinition[] = [
  { id: 'produced', title: 'Produced per second (outbox relay)', unit: 'events/s', aggregation: 'mean' },
  { id: 'applied', title: 'Applied per second', unit: 'events/s', aggregation: 'mean' },
  { id: 'lag', title: 'Consumer lag per group', unit: 'messages', aggregation: 'max' },
  { id: 'outbox-backlog', title: 'Outbox backlog', unit: 'rows', aggregation: 'max' },
  { id: 'outbox-age', title: 'Oldest unpublished outbox row', unit: 's', aggregation: 'max' },
  { id: 'dead-letters', title: 'Dead letters pending per consumer group', unit: 'dead letters', aggregation: 'max' },
  { id: 'latency', title: "End-to-end latency (sender's write to commit at the register)", unit: 's', aggregation: 'max' },
];

export interface HistoryChart {
  id: string;
  title: string;
  unit: string;
  /** Bucket starts, seconds since the epoch (what uPlot takes). */
  times: number[];
  series: Array<{ label: string; values: Array<number | null> }>;
}

export interface HistoryView {
  window: HistoryWindow;
  stepSeconds: number;
  sampleIntervalSeconds: number;
  charts: HistoryChart[];
}

/** One instance's counters at one scrape: what the next scrape's rates and latency are computed from. */
export interface InstanceReading {
  at: number;
  totals: Totals;
  latency: HistogramBucket[];
}

export function readingOf(at: number, samples: PrometheusSample[]): InstanceReading {
  const latency = samples
    .filter((sample) => sample.name === 'regsync_event_latency_seconds_bucket')
    .map((sample) => ({ le: sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), count: sample.value }));
  return { at, totals: totalsOf(samples), latency };
}

/** Events per second between two readings; a counter that went down was reset by a restart and counts from 0. */
export function ratePerSecond(before: InstanceReading, after: InstanceReading, counter: keyof Totals): number | null {
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return null;
  const [from, to] = [before.totals[counter], after.totals[counter]];
  return (to >= from ? to - from : to) / seconds;
}

/** The latency quantiles of the events committed between the readings, over every instance given; null without events. */
export function latencyQuantiles(pairs: Array<[InstanceReading, InstanceReading]>): Array<number | null> {
  const summed = new Map<number, number>();
  for (const [before, after] of pairs) {
    for (const bucket of bucketIncrease(before.latency, after.latency)) summed.set(bucket.le, (summed.get(bucket.le) ?? 0) + bucket.count);
  }
  const buckets = [...summed].map(([le, count]) => ({ le, count }));
  return LATENCY_QUANTILES.map((quantile) => histogramQuantile(quantile, buckets));
}

/**
 * The dashboard's memory of the numbers it shows, sampled every SAMPLE_INTERVAL_MS whether a page is open or not:
 * per chart and series a DownsampledSeries (4 resolutions of 452 buckets of 20 bytes, ≈ 36 KB for 24 hours), so the
 * history costs ≈ 36 KB per series whatever the uptime (the local topology: ≈ 50 series, ≈ 1.8 MB; at most
 * MAX_SERIES_PER_CHART per chart). Lost at a restart: Prometheus keeps the long history.
 */
@Injectable()
export class MetricHistoryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricHistoryService.name);
  private readonly charts = new Map(HISTORY_CHARTS.map((chart) => [chart.id, new Map<string, { series: DownsampledSeries; lastAt: number }>()]));
  private readonly previous = new Map<string, InstanceReading>();
  private timer?: NodeJS.Timeout;
  private sampling = false;

  constructor(
    private readonly metrics: InstanceMetricsService,
    private readonly lag: ConsumerLagService,
    private readonly connection: KafkaConnection,
    /** The dashboard's own metrics: the dead letters pending per dead-letter topic, as the topic reader counts them. */
    private readonly ownMetrics: RegsyncMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sample of every chart; a source that fails leaves a gap in its series, not in the others. */
  async sample(at = Date.now()): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    const results = await Promise.allSettled([this.sampleInstances(at), this.sampleLag(at), this.sampleDeadLetters(at)]);
    this.sampling = false;
    for (const result of results) if (result.status === 'rejected') this.logger.warn(`history sample incomplete: ${(result.reason as Error).message}`);
  }

  read(window: HistoryWindow, now = Date.now()): HistoryView {
    const windowMs = HISTORY_WINDOWS[window];
    let stepMs = HISTORY_RESOLUTIONS[0].stepMs;
    const charts = HISTORY_CHARTS.map((definition): HistoryChart => {
      const read = [...this.charts.get(definition.id)!].sort(([a], [b]) => a.localeCompare(b)).map(([label, { series }]) => ({ label, ...series.read(windowMs, now) }));
      stepMs = read[0]?.stepMs ?? stepMs;
      const times = [...new Set(read.flatMap((series) => series.buckets.map((bucket) => bucket.at)))].sort((a, b) => a - b);
      const series = read.map(({ label, buckets }) => {
        const byTime = new Map(buckets.map((bucket) => [bucket.at, bucket.value]));
        return { label, values: times.map((time) => byTime.get(time) ?? null) };
      });
      return { id: definition.id, title: definition.title, unit: definition.unit, times: times.map((time) => time / 1000), series };
    });
    return { window, stepSeconds: stepMs / 1000, sampleIntervalSeconds: SAMPLE_INTERVAL_MS / 1000, charts };
  }

  private add(chartId: string, label: string, at: number, value: number | null): void {
    if (value === null) return;
    const chart = this.charts.get(chartId)!;
    let entry = chart.get(label);
    if (!entry) {
      if (chart.size >= MAX_SERIES_PER_CHART) {
        const [stalest] = [...chart].sort(([, a], [, b]) => a.lastAt - b.lastAt)[0];
        chart.delete(stalest);
      }
      entry = { series: new DownsampledSeries(HISTORY_RESOLUTIONS, HISTORY_CHARTS.find((definition) => definition.id === chartId)!.aggregation), lastAt: at };
      chart.set(label, entry);
    }
    entry.series.add(at, value);
    entry.lastAt = at;
  }

  private async sampleInstances(at: number): Promise<void> {
    const latencyPairs: Array<[InstanceReading, InstanceReading]> = [];
    for (const { instance, scrape } of await this.metrics.latest()) {
      if (!scrape || scrape.error) continue;
      const reading = readingOf(scrape.at, scrape.samples);
      const before = this.previous.get(instance.id);
      this.previous.set(instance.id, reading);
      const has = (name: string) => scrape.samples.some((sample) => sample.name === name);
      if (has('regsync_outbox_backlog')) this.add('outbox-backlog', instance.id, at, sumSamples(scrape.samples, 'regsync_outbox_backlog'));
      if (has('regsync_outbox_oldest_age_seconds')) this.add('outbox-age', instance.id, at, sumSamples(scrape.samples, 'regsync_outbox_oldest_age_seconds'));
      if (!before || before.at === reading.at) continue;
      this.add('produced', instance.id, at, ratePerSecond(before, reading, 'produced'));
      this.add('applied', instance.id, at, ratePerSecond(before, reading, 'applied'));
      // the router measures only the first hop; the registers the whole path
      if (instance.keepsRegisters) latencyPairs.push([before, reading]);
    }
    latencyQuantiles(latencyPairs).forEach((value, index) => this.add('latency', `p${LATENCY_QUANTILES[index] * 100}`, at, value));
  }

  private async sampleLag(at: number): Promise<void> {
    for (const group of await this.lag.groups()) this.add('lag', this.withoutNamespace(group.group), at, group.totalLag);
  }

  private async sampleDeadLetters(at: number): Promise<void> {
    const { values } = await this.ownMetrics.deadLettersPending.get();
    for (const { labels, value } of values) this.add('dead-letters', this.withoutNamespace(String(labels.topic)).replace(/\.dlq$/, ''), at, value);
  }

  private withoutNamespace(name: string): string {
    return name.startsWith(this.connection.prefix) ? name.slice(this.connection.prefix.length) : name;
  }
}

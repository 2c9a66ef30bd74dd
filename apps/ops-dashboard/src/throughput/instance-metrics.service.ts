import { Inject, Injectable } from '@nestjs/common';
import { PrometheusSample, parsePrometheusText, sumSamples } from '@regsync/observability/prometheus-rules';
import { WatchedInstance } from '../topology/dashboard-topology';
import { WATCHED_INSTANCES } from '../topology/watched-instances.token';

export interface Totals {
  consumed: number;
  applied: number;
  produced: number;
  deadLetters: number;
  versionGaps: number;
  handlerSeconds: number;
  handlerCount: number;
}

export interface Scrape {
  at: number;
  totals?: Totals;
  samples: PrometheusSample[];
  error?: string;
}

export interface InstanceThroughput {
  id: string;
  name: string;
  reachable: boolean;
  error?: string;
  /** Events per second over the last RATE_WINDOW_MS (or since the dashboard started watching). */
  consumedPerSecond: number;
  appliedPerSecond: number;
  producedPerSecond: number;
  totals: Totals;
  appliedByOutcome: Record<string, number>;
  producedByEventType: Record<string, number>;
  meanHandlerMs: number | null;
}

export interface InstanceOutbox {
  id: string;
  name: string;
  reachable: boolean;
  backlog: number | null;
  oldestAgeSeconds: number | null;
  deadLetters: number | null;
  versionGaps: number | null;
}

const RATE_WINDOW_MS = 10_000;
const REUSE_SCRAPE_MS = 1_000;

export function totalsOf(samples: PrometheusSample[]): Totals {
  return {
    consumed: sumSamples(samples, 'regsync_events_consumed_total'),
    applied: sumSamples(samples, 'regsync_events_applied_total', { outcome: 'applied' }) + sumSamples(samples, 'regsync_events_applied_total', { outcome: 'gap_applied' }),
    produced: sumSamples(samples, 'regsync_events_produced_total'),
    deadLetters: sumSamples(samples, 'regsync_dead_letters_total'),
    versionGaps: sumSamples(samples, 'regsync_version_gaps_total'),
    handlerSeconds: sumSamples(samples, 'regsync_handler_duration_seconds_sum'),
    handlerCount: sumSamples(samples, 'regsync_handler_duration_seconds_count'),
  };
}

function byLabel(samples: PrometheusSample[], name: string, label: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const sample of samples.filter((candidate) => candidate.name === name)) {
    const key = sample.labels[label] ?? '';
    result[key] = (result[key] ?? 0) + sample.value;
  }
  return result;
}

/** Scrapes every instance's /metrics (as Prometheus would) and turns the counters into rates. */
@Injectable()
export class InstanceMetricsService {
  private readonly history = new Map<string, Scrape[]>();
  private lastScrape?: { at: number; done: Promise<void> };

  constructor(@Inject(WATCHED_INSTANCES) private readonly instances: WatchedInstance[]) {}

  async throughput(): Promise<InstanceThroughput[]> {
    await this.refresh();
    return this.instances.map((instance) => {
      const scrapes = this.history.get(instance.id) ?? [];
      const latest = scrapes[scrapes.length - 1];
      const earliest = scrapes.find((scrape) => scrape.totals && latest.at - scrape.at <= RATE_WINDOW_MS && scrape !== latest);
      const totals = latest?.totals ?? totalsOf([]);
      const seconds = earliest && latest ? (latest.at - earliest.at) / 1000 : 0;
      const rate = (key: keyof Totals) => (earliest?.totals && seconds > 0 ? Math.max(0, totals[key] - earliest.totals[key]) / seconds : 0);
      return {
        id: instance.id,
        name: instance.name,
        reachable: !latest?.error,
        error: latest?.error,
        consumedPerSecond: rate('consumed'),
        appliedPerSecond: rate('applied'),
        producedPerSecond: rate('produced'),
        totals,
        appliedByOutcome: byLabel(latest?.samples ?? [], 'regsync_events_applied_total', 'outcome'),
        producedByEventType: byLabel(latest?.samples ?? [], 'regsync_events_produced_total', 'event_type'),
        meanHandlerMs: totals.handlerCount > 0 ? (totals.handlerSeconds / totals.handlerCount) * 1000 : null,
      };
    });
  }

  async outbox(): Promise<InstanceOutbox[]> {
    await this.refresh();
    return this.instances.map((instance) => {
      const scrapes = this.history.get(instance.id) ?? [];
      const latest = scrapes[scrapes.length - 1];
      const samples = latest?.samples ?? [];
      const has = (name: string) => samples.some((sample) => sample.name === name);
      return {
        id: instance.id,
        name: instance.name,
        reachable: !!latest && !latest.error,
        backlog: has('regsync_outbox_backlog') ? sumSamples(samples, 'regsync_outbox_backlog') : null,
        oldestAgeSeconds: has('regsync_outbox_oldest_age_seconds') ? sumSamples(samples, 'regsync_outbox_oldest_age_seconds') : null,
        deadLetters: latest?.totals ? latest.totals.deadLetters : null,
        versionGaps: latest?.totals ? latest.totals.versionGaps : null,
      };
    });
  }

  /** Each instance's latest scrape (at most a second old), for the history of the charts. */
  async latest(): Promise<Array<{ instance: WatchedInstance; scrape: Scrape | undefined }>> {
    await this.refresh();
    return this.instances.map((instance) => ({ instance, scrape: this.history.get(instance.id)?.at(-1) }));
  }

  /** One scrape per second at most, however many views ask. */
  private refresh(): Promise<void> {
    if (this.lastScrape && Date.now() - this.lastScrape.at < REUSE_SCRAPE_MS) return this.lastScrape.done;
    const done = Promise.all(this.instances.map((instance) => this.scrape(instance))).then(() => undefined);
    this.lastScrape = { at: Date.now(), done };
    return done;
  }

  private async scrape(instance: WatchedInstance): Promise<void> {
    let scrape: Scrape;
    try {
      const response = await fetch(`${instance.baseUrl}/metrics`, { signal: AbortSignal.timeout(3_000) });
      if (!response.ok) throw new Error(`/metrics answered HTTP ${response.status}`);
      const samples = parsePrometheusText(await response.text());
      scrape = { at: Date.now(), samples, totals: totalsOf(samples) };
    } catch (error) {
      scrape = { at: Date.now(), samples: [], error: (error as Error).message };
    }
    const scrapes = [...(this.history.get(instance.id) ?? []), scrape].filter((kept) => scrape.at - kept.at <= RATE_WINDOW_MS * 3);
    this.history.set(instance.id, scrapes);
  }
}

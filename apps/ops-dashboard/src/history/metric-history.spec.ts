import { parsePrometheusText } from '@regsync/observability/prometheus-rules';
import { HISTORY_RESOLUTIONS, HISTORY_WINDOWS, latencyQuantiles, ratePerSecond, readingOf } from './metric-history.service';

function scrape(at: number, produced: number, latency: Array<[string, number]>) {
  const text = [
    `regsync_events_produced_total{event_type="MovedOut"} ${produced}`,
    ...latency.map(([le, count]) => `regsync_event_latency_seconds_bucket{le="${le}",service="municipal-register"} ${count}`),
  ].join('\n');
  return readingOf(at, parsePrometheusText(text));
}

describe('metric history sampling', () => {
  it('keeps each window at 450 points or fewer, the finest at the page poll interval of 2 s', () => {
    expect(HISTORY_RESOLUTIONS.map((resolution) => resolution.stepMs / 1000)).toEqual([2, 8, 48, 192]);
    for (const [index, windowMs] of Object.values(HISTORY_WINDOWS).entries()) expect(HISTORY_RESOLUTIONS[index].stepMs * (HISTORY_RESOLUTIONS[index].capacity - 1)).toBeGreaterThanOrEqual(windowMs);
  });

  it('turns counters into events per second, counting from 0 after a restart', () => {
    expect(ratePerSecond(scrape(0, 10, []), scrape(2_000, 30, []), 'produced')).toBe(10);
    expect(ratePerSecond(scrape(0, 500, []), scrape(2_000, 8, []), 'produced')).toBe(4);
    expect(ratePerSecond(scrape(0, 1, []), scrape(0, 2, []), 'produced')).toBeNull();
  });

  it("gives the latency quantiles of the interval's events over every instance, none without events", () => {
    const a = [scrape(0, 0, [['0.1', 0], ['1', 0], ['+Inf', 0]]), scrape(2_000, 0, [['0.1', 8], ['1', 8], ['+Inf', 8]])] as const;
    const b = [scrape(0, 0, [['0.1', 5], ['1', 5], ['+Inf', 5]]), scrape(2_000, 0, [['0.1', 5], ['1', 7], ['+Inf', 7]])] as const;
    // 8 events ≤ 0.1 s at one register, 2 between 0.1 and 1 s at the other: p50 in the first bucket, p95 and p99 in the second
    const [p50, p95, p99] = latencyQuantiles([[...a], [...b]]);
    expect(p50).toBeCloseTo(0.0625);
    expect(p95).toBeCloseTo(0.775);
    expect(p99).toBeCloseTo(0.955);
    expect(latencyQuantiles([[a[1], a[1]]])).toEqual([null, null, null]);
  });
});

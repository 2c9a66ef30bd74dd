import { latencySummary } from '../latency-summary';
import { BenchSpec, RoleReport } from './bench-spec';

/**
 * Counts applied events of one run and their end-to-end latency (send time → applied), and settles once the
 * expected number arrived. Events are counted where the consumer considers them applied.
 */
export class ApplyMeter {
  private applied = 0;
  private firstAt = 0;
  private lastAt = 0;
  private readonly latencies: Float64Array;
  private finish!: (report: RoleReport) => void;
  readonly done = new Promise<RoleReport>((resolve) => (this.finish = resolve));

  constructor(private readonly spec: BenchSpec) {
    this.latencies = new Float64Array(spec.mode === 'latency' ? spec.count : 0);
  }

  record(sentAtMs: number): void {
    const now = Date.now();
    if (this.applied === 0) this.firstAt = now;
    if (this.applied < this.latencies.length) this.latencies[this.applied] = now - sentAtMs;
    this.applied++;
    this.lastAt = now;
    if (this.applied === this.spec.count) this.finish(this.report());
  }

  private report(): RoleReport {
    const usage = process.resourceUsage();
    return {
      role: 'consumer',
      events: this.applied,
      firstAt: this.firstAt,
      lastAt: this.lastAt,
      latencyMs: latencySummary(this.latencies),
      maxRssMb: usage.maxRSS / 1024,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    };
  }
}

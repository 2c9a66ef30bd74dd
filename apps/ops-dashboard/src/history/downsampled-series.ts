/** One resolution of a series: buckets of `stepMs`, of which the newest `capacity` are kept. */
export interface Resolution {
  stepMs: number;
  capacity: number;
}

/** How the samples of one bucket become its value: `mean` for rates, `max` for gauges whose peaks matter (lag, age). */
export type Aggregation = 'mean' | 'max';

export interface Bucket {
  /** Start of the bucket (ms since the epoch), a multiple of its resolution's step. */
  at: number;
  value: number;
  /** Samples the bucket holds. */
  samples: number;
}

/** The buckets of one resolution in a ring of fixed size: memory does not grow with time. */
class BucketRing {
  private readonly starts: Float64Array;
  private readonly values: Float64Array;
  private readonly counts: Uint32Array;
  private next = 0;
  private size = 0;
  private open?: { at: number; sum: number; max: number; samples: number };

  constructor(
    readonly resolution: Resolution,
    private readonly aggregation: Aggregation,
  ) {
    this.starts = new Float64Array(resolution.capacity);
    this.values = new Float64Array(resolution.capacity);
    this.counts = new Uint32Array(resolution.capacity);
  }

  add(at: number, value: number): void {
    const start = Math.floor(at / this.resolution.stepMs) * this.resolution.stepMs;
    if (this.open && start < this.open.at) return;
    if (this.open && start > this.open.at) this.close();
    if (!this.open) this.open = { at: start, sum: 0, max: -Infinity, samples: 0 };
    this.open.sum += value;
    this.open.max = Math.max(this.open.max, value);
    this.open.samples += 1;
  }

  /** Buckets that start at or after `from` (the open one included), oldest first. */
  since(from: number): Bucket[] {
    const buckets: Bucket[] = [];
    const capacity = this.resolution.capacity;
    // the open bucket takes a place too, so the ring plus it never exceed the capacity
    const closed = this.open ? Math.min(this.size, capacity - 1) : this.size;
    for (let i = closed; i > 0; i--) {
      const index = (this.next - i + capacity) % capacity;
      if (this.starts[index] >= from) buckets.push({ at: this.starts[index], value: this.values[index], samples: this.counts[index] });
    }
    if (this.open && this.open.at >= from) buckets.push({ at: this.open.at, value: this.valueOf(this.open), samples: this.open.samples });
    return buckets;
  }

  private close(): void {
    const open = this.open!;
    this.starts[this.next] = open.at;
    this.values[this.next] = this.valueOf(open);
    this.counts[this.next] = open.samples;
    this.next = (this.next + 1) % this.resolution.capacity;
    this.size = Math.min(this.size + 1, this.resolution.capacity);
    this.open = undefined;
  }

  private valueOf(open: { sum: number; max: number; samples: number }): number {
    return this.aggregation === 'max' ? open.max : open.sum / open.samples;
  }
}

/**
 * A time series kept in memory at several resolutions at once (e.g. 2 s for the last 15 minutes, 192 s for the last
 * 24 hours), each a ring of fixed size: a window is read from the finest resolution that spans it, so every chart has
 * a few hundred points and the memory is fixed whatever the uptime. A sample older than the newest bucket (the clock
 * went back) is dropped.
 */
export class DownsampledSeries {
  private readonly rings: BucketRing[];

  constructor(resolutions: readonly Resolution[], aggregation: Aggregation) {
    if (resolutions.length === 0) throw new Error('DownsampledSeries: at least one resolution');
    this.rings = [...resolutions].sort((a, b) => a.stepMs - b.stepMs).map((resolution) => new BucketRing(resolution, aggregation));
  }

  add(at: number, value: number): void {
    if (!Number.isFinite(value)) return;
    for (const ring of this.rings) ring.add(at, value);
  }

  /** The buckets of the last `windowMs` before `now`, from the finest resolution that spans the window. */
  read(windowMs: number, now: number): { stepMs: number; buckets: Bucket[] } {
    const ring = resolutionFor(this.rings.map((candidate) => candidate.resolution), windowMs);
    const chosen = this.rings.find((candidate) => candidate.resolution === ring)!;
    const from = Math.floor((now - windowMs) / ring.stepMs) * ring.stepMs;
    return { stepMs: ring.stepMs, buckets: chosen.since(from) };
  }
}

/** The finest resolution whose ring spans `windowMs` (the coarsest when none does). */
export function resolutionFor<R extends Resolution>(resolutions: readonly R[], windowMs: number): R {
  const sorted = [...resolutions].sort((a, b) => a.stepMs - b.stepMs);
  return sorted.find((resolution) => resolution.stepMs * (resolution.capacity - 1) >= windowMs) ?? sorted[sorted.length - 1];
}

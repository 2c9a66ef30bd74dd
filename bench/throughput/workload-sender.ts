import { BenchSpec, RoleReport } from './bench-spec';
import { MoveEvent, moveWorkload } from './move-workload';

export type SendChunk = (moves: MoveEvent[], sentAt: Date) => Promise<void>;

const TICK_MS = 5;

/**
 * Feeds the run's moves to `sendChunk`: in throughput mode as fast as the sink takes them (chunks of `chunkSize`,
 * `concurrency` in flight), in latency mode paced at `spec.rate` events/s so queues stay short and the latency
 * measured is the pipeline's, not a backlog's.
 */
export async function sendWorkload(spec: BenchSpec, chunkSize: number, concurrency: number, sendChunk: SendChunk): Promise<RoleReport> {
  const moves = moveWorkload(spec.count);
  let sent = 0;
  const firstAt = Date.now();
  const inFlight = new Set<Promise<void>>();
  const launch = (chunk: MoveEvent[]) => {
    const sending = sendChunk(chunk, new Date()).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    sent += chunk.length;
  };
  const take = (size: number) => {
    const chunk: MoveEvent[] = [];
    while (chunk.length < size) {
      const next = moves.next();
      if (next.done) break;
      chunk.push(next.value);
    }
    return chunk;
  };
  while (sent < spec.count) {
    if (spec.mode === 'throughput') {
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      launch(take(Math.min(chunkSize, spec.count - sent)));
    } else {
      const due = Math.min(spec.count, Math.floor(((Date.now() - firstAt) * spec.rate) / 1000)) - sent;
      if (due > 0 && inFlight.size < concurrency * 4) {
        for (let left = due; left > 0; left -= chunkSize) launch(take(Math.min(chunkSize, left)));
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
  }
  await Promise.all(inFlight);
  const usage = process.resourceUsage();
  return { role: 'producer', events: sent, firstAt, lastAt: Date.now(), maxRssMb: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 };
}

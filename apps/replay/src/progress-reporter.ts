import { Presets, SingleBar } from 'cli-progress';
import { ReplayProgress } from '@regsync/event-replay/replay';

const PLAIN_INTERVAL_MS = 5_000;

/**
 * Progress of a replay on stderr (stdout keeps the result): a bar with rate and ETA on a terminal, a plain line
 * every few seconds otherwise (logs, CI).
 */
export class ProgressReporter {
  private bar?: SingleBar;
  private readonly started = Date.now();
  private lastLine = 0;
  private latest?: ReplayProgress;

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  start(total: number): void {
    if (this.stream.isTTY) {
      this.bar = new SingleBar(
        {
          stream: this.stream,
          format: `${this.label} {bar} {percentage}% | {value}/{total} records | {rate} events/s | ETA {eta_formatted} | applied {applied}, duplicate {duplicate}, stale {stale}, rejected {rejected}, erased {erased}`,
          etaBuffer: 50,
          fps: 5,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      this.bar.start(total, 0, { rate: 0, applied: 0, duplicate: 0, stale: 0, rejected: 0, erased: 0 });
    } else {
      this.stream.write(`${this.label}: ${total} records to read\n`);
    }
  }

  update(progress: ReplayProgress): void {
    this.latest = progress;
    const rate = Math.round(progress.done / Math.max((Date.now() - this.started) / 1000, 0.001));
    const { applied, gap_applied, duplicate, stale, rejected, erased } = progress.outcomes;
    if (this.bar) {
      this.bar.update(progress.done, { rate, applied: applied + gap_applied, duplicate, stale, rejected, erased });
      return;
    }
    if (Date.now() - this.lastLine < PLAIN_INTERVAL_MS && progress.done < progress.total) return;
    this.lastLine = Date.now();
    const eta = rate > 0 ? Math.ceil((progress.total - progress.done) / rate) : undefined;
    const percent = progress.total > 0 ? Math.floor((progress.done / progress.total) * 100) : 100;
    this.stream.write(
      `${this.label}: ${progress.done}/${progress.total} (${percent}%), ${rate} records/s, ETA ${eta === undefined ? '?' : `${eta}s`}, applied ${applied + gap_applied}, duplicate ${duplicate}, stale ${stale}, rejected ${rejected}, skipped (subject erased) ${erased}\n`,
    );
  }

  stop(): void {
    if (this.bar) {
      if (this.latest) this.bar.update(this.latest.done);
      this.bar.stop();
    }
  }
}

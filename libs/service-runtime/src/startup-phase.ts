export interface StartupPhaseOptions {
  /** One attempt that has not finished by then is abandoned (its signal aborts) and tried again. */
  attemptTimeoutMs: number;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface StartupLog {
  log(message: string): void;
  warn(message: string): void;
}

export interface PhaseState {
  healthy: boolean;
  detail: string;
}

/** An attempt found a reason the service must not start at all (e.g. a topic that would lose records): not retried. */
export class StartupRefusedError extends Error {}

/** Thrown into an attempt's signal when it took longer than the phase allows. */
export class PhaseAttemptTimeout extends Error {}

/**
 * One phase of a service's start-up (broker topics, schema registry, consumer join): tried until it succeeds, each
 * attempt bounded in time, failures retried with exponential backoff. Every attempt that fails and the one that
 * succeeds are logged with their duration, and `state()` says where the phase is, so a start that does not finish
 * names the phase and the reason instead of hanging silently. A StartupRefusedError ends the phase with that error.
 */
export class StartupPhase {
  private current: PhaseState = { healthy: false, detail: 'waiting' };

  constructor(
    readonly name: string,
    private readonly log: StartupLog,
    private readonly options: StartupPhaseOptions,
  ) {}

  state(): PhaseState {
    return this.current;
  }

  /**
   * Runs `attempt` until it resolves, and returns its result; undefined when `stopping()` turned true first.
   * An attempt gets an AbortSignal that aborts when it is abandoned, to close what it opened.
   */
  async run<T>(attempt: (signal: AbortSignal) => Promise<T>, stopping: () => boolean = () => false): Promise<T | undefined> {
    const phaseStarted = Date.now();
    const firstBackoffMs = this.options.firstBackoffMs ?? 500;
    const maxBackoffMs = this.options.maxBackoffMs ?? 10_000;
    for (let attemptNumber = 1; !stopping(); attemptNumber++) {
      const attemptStarted = Date.now();
      this.current = { healthy: false, detail: `starting (attempt ${attemptNumber})` };
      try {
        const result = await withDeadline(attempt, this.options.attemptTimeoutMs);
        this.current = { healthy: true, detail: 'ready' };
        this.log.log(`start-up: ${this.name} ready in ${Date.now() - phaseStarted} ms (attempt ${attemptNumber})`);
        return result;
      } catch (error) {
        if (error instanceof StartupRefusedError) {
          this.current = { healthy: false, detail: error.message };
          throw error;
        }
        const backoff = Math.min(firstBackoffMs * 2 ** (attemptNumber - 1), maxBackoffMs);
        const reason = (error as Error)?.message ?? String(error);
        this.current = { healthy: false, detail: `attempt ${attemptNumber} failed after ${Date.now() - attemptStarted} ms: ${reason}; retrying` };
        this.log.warn(`start-up: ${this.name}: attempt ${attemptNumber} failed after ${Date.now() - attemptStarted} ms: ${reason}; retrying in ${backoff} ms`);
        await sleepUnless(backoff, stopping);
      }
    }
    this.current = { healthy: false, detail: 'stopped before it was ready' };
    return undefined;
  }
}

/** Runs `attempt`, rejecting with PhaseAttemptTimeout (and aborting its signal) when it takes longer than `timeoutMs`. */
export async function withDeadline<T>(attempt: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = new PhaseAttemptTimeout(`no result within ${timeoutMs} ms`);
      controller.abort(timeout);
      reject(timeout);
    }, timeoutMs);
  });
  const running = attempt(controller.signal);
  // An abandoned attempt may still fail later; that is expected and must not count as unhandled.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function sleepUnless(ms: number, stopping: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!stopping() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, Math.min(100, until - Date.now())));
}

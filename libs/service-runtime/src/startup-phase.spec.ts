import { PhaseAttemptTimeout, StartupPhase, StartupRefusedError } from './startup-phase';

function recordingLog() {
  const lines: string[] = [];
  return { lines, log: (message: string) => lines.push(`log ${message}`), warn: (message: string) => lines.push(`warn ${message}`) };
}

describe('StartupPhase', () => {
  it('retries a failing attempt until it succeeds, and names the phase and the reason of each failure', async () => {
    const log = recordingLog();
    const phase = new StartupPhase('schema registry', log, { attemptTimeoutMs: 1_000, firstBackoffMs: 1, maxBackoffMs: 2 });
    let attempts = 0;
    const result = await phase.run(async () => {
      attempts++;
      if (attempts < 3) throw new Error('connect ECONNREFUSED 127.0.0.1:8081');
      return 'connected';
    });
    expect(result).toBe('connected');
    expect(attempts).toBe(3);
    expect(log.lines.filter((line) => line.startsWith('warn start-up: schema registry: attempt'))).toHaveLength(2);
    expect(log.lines[0]).toContain('ECONNREFUSED');
    expect(log.lines.at(-1)).toMatch(/^log start-up: schema registry ready in \d+ ms \(attempt 3\)$/);
    expect(phase.state()).toEqual({ healthy: true, detail: 'ready' });
  });

  it('does not retry a refusal: the phase ends with it and says why', async () => {
    const phase = new StartupPhase('broker topics', recordingLog(), { attemptTimeoutMs: 1_000, firstBackoffMs: 1 });
    let attempts = 0;
    const refusal = new StartupRefusedError('topic t: retention.ms is 604800000, the catalog says -1');
    await expect(
      phase.run(async () => {
        attempts++;
        throw refusal;
      }),
    ).rejects.toBe(refusal);
    expect(attempts).toBe(1);
    expect(phase.state()).toEqual({ healthy: false, detail: refusal.message });
  });

  it('abandons an attempt that hangs, aborts its signal so it can close what it opened, and tries again', async () => {
    const log = recordingLog();
    const phase = new StartupPhase('consumer join', log, { attemptTimeoutMs: 20, firstBackoffMs: 1 });
    const abortReasons: unknown[] = [];
    let attempts = 0;
    const result = await phase.run(
      (signal) =>
        new Promise<number>((resolve) => {
          attempts++;
          if (attempts > 1) return resolve(attempts);
          signal.addEventListener('abort', () => abortReasons.push(signal.reason));
        }),
    );
    expect(result).toBe(2);
    expect(abortReasons).toHaveLength(1);
    expect(abortReasons[0]).toBeInstanceOf(PhaseAttemptTimeout);
    expect(log.lines[0]).toContain('no result within 20 ms');
  });

  it('reports the failing attempt while it retries, so readiness can show it', async () => {
    const phase = new StartupPhase('broker topics', recordingLog(), { attemptTimeoutMs: 1_000, firstBackoffMs: 60_000 });
    let stop = false;
    const running = phase.run(async () => {
      throw new Error('There is no leader for this topic-partition');
    }, () => stop);
    await new Promise((resolve) => setImmediate(resolve));
    expect(phase.state().healthy).toBe(false);
    expect(phase.state().detail).toMatch(/^attempt 1 failed after \d+ ms: There is no leader for this topic-partition; retrying$/);
    stop = true;
    await expect(running).resolves.toBeUndefined();
    expect(phase.state()).toEqual({ healthy: false, detail: 'stopped before it was ready' });
  });
});

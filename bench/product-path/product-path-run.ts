import { waitUntil } from '@regsync/local-stack/wait-until';
import type { AppliedWatch } from './applied-watch';
import type { CitizenAction } from './citizen-workload';

/** One agency call and what became of it. */
export interface ActionOutcome {
  action: CitizenAction;
  startedAt: number;
  answeredAt: number;
  status: number;
  /** Agency call start → applied in the last register it reaches; undefined when it never arrived everywhere. */
  endToEndMs?: number;
}

export interface PhaseResult {
  outcomes: ActionOutcome[];
  /** Actions per second from the first call to the last register's commit. */
  actionsPerSecond: number;
  lost: number;
  duplicated: number;
  refused: number;
}

/** How many transfers each kind of action causes in all registers together, learned from one action of each kind. */
export type ExpectedTransfers = Record<CitizenAction['kind'], number>;

const QUIET_MS = 5_000;
const NO_ANSWER = 0;

/** Sends one citizen action to its municipality's agency API; answers the HTTP status. */
export type SubmitAction = (action: CitizenAction) => Promise<number>;

/** Drives one pipeline's agency APIs with citizen actions and finds, by identity, when every recipient applied them. */
export class ProductPathRun {
  constructor(
    private readonly submit: SubmitAction,
    private readonly watch: AppliedWatch,
    /** How long after the last answer an action not applied everywhere yet still counts as late, not lost. */
    private readonly lostAfterMs = 120_000,
  ) {}

  /** `clients` agency systems, each sending its next action as soon as the previous one is answered. */
  async closedLoop(actions: readonly CitizenAction[], clients: number, expected: ExpectedTransfers, correlationPrefix: string): Promise<PhaseResult> {
    const queue = [...actions];
    const outcomes: ActionOutcome[] = [];
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let action = queue.shift(); action; action = queue.shift()) outcomes.push(await this.call(action));
      }),
    );
    return this.settle(outcomes, expected, correlationPrefix);
  }

  /** Actions started at a fixed rate, whatever the answers take (an open loop, as citizens arrive). */
  async fixedRate(actions: readonly CitizenAction[], perSecond: number, expected: ExpectedTransfers, correlationPrefix: string): Promise<PhaseResult> {
    const start = Date.now();
    const calls = actions.map(async (action, index) => {
      const due = start + (index * 1000) / perSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      return this.call(action);
    });
    return this.settle(await Promise.all(calls), expected, correlationPrefix);
  }

  /**
   * The transfers one action of each kind causes, once nothing more arrives for five seconds (a two-second window once
   * closed between a registration's two transfers on the loaded machine and counted one).
   */
  async learnExpectedTransfers(samples: readonly CitizenAction[], correlationPrefix: string): Promise<ExpectedTransfers> {
    for (const action of samples) {
      const outcome = await this.call(action);
      if (outcome.status !== 201) throw new Error(`calibration: ${action.kind} answered ${outcome.status}`);
    }
    let last = '';
    let stableSince = Date.now();
    const counts = await waitUntil(
      'the calibration actions applied everywhere',
      async () => {
        const applied = await this.watch.applied(correlationPrefix);
        const now = samples.map((action) => applied.get(action.correlationId)?.transfers ?? 0);
        if (now.join() !== last) {
          last = now.join();
          stableSince = Date.now();
        }
        return now.every((count) => count > 0) && Date.now() - stableSince > QUIET_MS ? now : undefined;
      },
      120_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; transfers logged so far for ${samples.map((action) => action.kind).join(', ')}: ${last || 'none'}`);
    });
    return Object.fromEntries(samples.map((action, index) => [action.kind, counts[index]])) as ExpectedTransfers;
  }

  private async call(action: CitizenAction): Promise<ActionOutcome> {
    const startedAt = Date.now();
    // A call without an answer (a connection reset on the loaded machine) is counted with the refused, not fatal to the run.
    const status = await this.submit(action).catch(() => NO_ANSWER);
    return { action, startedAt, answeredAt: Date.now(), status };
  }

  /** Waits until every accepted action is applied in every register it reaches (or `lostAfterMs` pass), then checks by identity. */
  private async settle(outcomes: ActionOutcome[], expected: ExpectedTransfers, correlationPrefix: string): Promise<PhaseResult> {
    const accepted = outcomes.filter((outcome) => outcome.status === 201);
    const complete = (applied: Map<string, { transfers: number }>) =>
      accepted.every((outcome) => (applied.get(outcome.action.correlationId)?.transfers ?? 0) >= expected[outcome.action.kind]);
    let applied = await this.watch.applied(correlationPrefix);
    const deadline = Date.now() + this.lostAfterMs;
    while (!complete(applied) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      applied = await this.watch.applied(correlationPrefix);
    }
    let lost = 0;
    let lastAppliedAt = 0;
    for (const outcome of accepted) {
      const seen = applied.get(outcome.action.correlationId);
      if (!seen || seen.transfers < expected[outcome.action.kind]) lost++;
      else {
        outcome.endToEndMs = seen.lastAppliedAt - outcome.startedAt;
        lastAppliedAt = Math.max(lastAppliedAt, seen.lastAppliedAt);
      }
    }
    const firstStart = Math.min(...outcomes.map((outcome) => outcome.startedAt));
    return {
      outcomes,
      actionsPerSecond: (accepted.length - lost) / ((lastAppliedAt - firstStart) / 1000),
      lost,
      duplicated: await this.watch.duplicates(correlationPrefix),
      refused: outcomes.length - accepted.length,
    };
  }
}

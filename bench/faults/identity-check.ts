/** An event the writer committed (its outbox row): what must be applied, once, in its subject's order. */
export interface SentEvent {
  eventId: string;
  subject: string;
  version: number;
}

/** An event the register applied, in the order it applied them (its apply log). */
export interface AppliedEvent {
  eventId: string;
  subject: string;
  version: number;
}

export interface IdentityCheck {
  /** Sent, never applied. */
  lost: number;
  /** Applications beyond the first of one event. */
  duplicated: number;
  /** Applied, but never sent (a forged or corrupted event took effect). */
  notSent: number;
  /** Applied after a later version of the same subject had been applied. */
  reordered: number;
}

/** Compares what the register applied with what was sent, event by event (not by counts, where a loss and a duplicate cancel out). */
export function checkByIdentity(sent: readonly SentEvent[], applied: readonly AppliedEvent[]): IdentityCheck {
  const sentIds = new Set(sent.map(({ eventId }) => eventId));
  const appliedIds = new Set<string>();
  const newestApplied = new Map<string, number>();
  const check: IdentityCheck = { lost: 0, duplicated: 0, notSent: 0, reordered: 0 };
  for (const { eventId, subject, version } of applied) {
    if (appliedIds.has(eventId)) {
      check.duplicated++;
      continue;
    }
    appliedIds.add(eventId);
    if (!sentIds.has(eventId)) check.notSent++;
    const newest = newestApplied.get(subject);
    if (newest !== undefined && version < newest) check.reordered++;
    else newestApplied.set(subject, version);
  }
  for (const eventId of sentIds) if (!appliedIds.has(eventId)) check.lost++;
  return check;
}

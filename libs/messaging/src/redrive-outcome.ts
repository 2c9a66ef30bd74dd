import { KafkaMessage } from 'kafkajs';
import { KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import type { AppliedOutcome, RecordResult } from './batch-applier';
import { deadLetterIdOf, positionIdOf } from './dead-letters';
import type { OutboxRecord } from './outbox';

/**
 * What a consumer group made of a re-driven dead letter: applied; duplicate (applied before, no effect); dropped as
 * stale (its subject had moved past its version, no effect); held (waits for a missing earlier version); ignored (not
 * for this register); dead-lettered again (with the new reason).
 */
export type RedriveOutcomeKind = 'applied' | 'duplicate' | 'dropped-as-stale' | 'held' | 'ignored' | 'dead-lettered-again';

// Exhaustive on purpose: an outcome the inbox learns later must say what it means for a re-drive.
const OUTCOME_OF_INBOX: Record<AppliedOutcome, RedriveOutcomeKind> = {
  applied: 'applied',
  gap_applied: 'applied',
  duplicate: 'duplicate',
  stale: 'dropped-as-stale',
  held: 'held',
  irrelevant: 'ignored',
  filtered: 'ignored',
  // its subject was erased since: nothing of it can be applied any more
  erased: 'ignored',
};

/** The value (JSON) of a record on `<group>.redrive-outcomes`, keyed by the dead letter's id. */
export interface RedriveOutcome {
  deadLetterId: string;
  consumerGroup: string;
  /** The re-driven record on the group's retry topic: which re-drive of the dead letter this is the outcome of. */
  redriven: { topic: string; partition: number; offset: string };
  eventId: string | null;
  kind: RedriveOutcomeKind;
  /** The subject's version applied before (null: none) and the event's own, where the inbox compared them. */
  previousVersion?: number | null;
  subjectVersion?: number;
  /** dead-lettered-again: the new failure and the id of the new dead letter. */
  reasonCode?: string;
  reason?: string;
  newDeadLetterId?: string;
  decidedAt: string;
}

export const REDRIVE_OUTCOME_RECORD_TYPE = 'RedriveOutcome';

/** The outcome of one record the group read from its retry topic, from what its chunk committed. */
export function redriveOutcomeOf(consumerGroup: string, topic: string, partition: number, message: KafkaMessage, result: RecordResult): RedriveOutcome {
  const header = (name: string) => headerText(message.headers?.[name]);
  const common = {
    deadLetterId: header(KAFKA_HEADERS.redriveOf) ?? '',
    consumerGroup,
    redriven: { topic, partition, offset: message.offset },
    eventId: (result.kind === 'done' ? result.event?.envelope.eventId : undefined) ?? header(KAFKA_HEADERS.eventId) ?? null,
    decidedAt: new Date().toISOString(),
  };
  switch (result.kind) {
    case 'done':
      return { ...common, kind: OUTCOME_OF_INBOX[result.outcome], previousVersion: result.previousVersion, subjectVersion: result.event?.envelope.subjectVersion };
    case 'rejected':
      return { ...common, kind: 'dead-lettered-again', reasonCode: result.code, reason: result.reason, newDeadLetterId: deadLetterIdOf(consumerGroup, topic, partition, message.offset) };
    case 'failed':
      throw new Error(`redriveOutcomeOf: ${topic}[${partition}]@${message.offset} has not been decided yet`);
  }
}

/** The outbox row of an outcome: one per re-driven record, so a redelivery after a crash adds none. */
export function redriveOutcomeRow(outcomeTopic: string, outcome: RedriveOutcome): OutboxRecord {
  const { consumerGroup, redriven } = outcome;
  return {
    id: positionIdOf('regsync-redrive-outcome', consumerGroup, redriven.topic, redriven.partition, redriven.offset),
    topic: outcomeTopic,
    eventType: REDRIVE_OUTCOME_RECORD_TYPE,
    key: outcome.deadLetterId,
    value: Buffer.from(JSON.stringify(outcome)),
    headers: {},
  };
}

/** Reads an outcome record; undefined for a record that is none (someone else's, or garbage). */
export function parseRedriveOutcome(value: Buffer | null): RedriveOutcome | undefined {
  try {
    const parsed = JSON.parse(value?.toString() ?? '') as Partial<RedriveOutcome>;
    return typeof parsed.kind === 'string' && parsed.redriven && typeof parsed.redriven.offset === 'string' ? (parsed as RedriveOutcome) : undefined;
  } catch {
    return undefined;
  }
}

/** One line for people: what became of the re-drive. */
export function describeRedriveOutcome(outcome: RedriveOutcome): string {
  const versions = outcome.subjectVersion !== undefined ? ` (version ${outcome.subjectVersion}, applied before: ${outcome.previousVersion ?? 'none'})` : '';
  switch (outcome.kind) {
    case 'applied':
      return `applied${versions}`;
    case 'duplicate':
      return 'duplicate: applied before, no effect';
    case 'dropped-as-stale':
      return `DROPPED AS STALE: its subject had moved past it${versions}, not applied`;
    case 'held':
      return `held: waits for a missing earlier version of its subject${versions}`;
    case 'ignored':
      return 'ignored: not for this register';
    case 'dead-lettered-again':
      return `DEAD-LETTERED AGAIN: ${outcome.reasonCode}: ${outcome.reason}`;
  }
}

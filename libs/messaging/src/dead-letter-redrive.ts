// Public entry: Dead letters, their re-drive and its outcome, and subjects held behind a gap.
export { deadLetterIdOfInfo, deadLetterInfo, deadLetterRecord, redrive } from './dead-letters';
export type { DeadLetterInfo, RedrivenRecord } from './dead-letters';
export { describeRedriveOutcome, parseRedriveOutcome, redriveOutcomeOf, redriveOutcomeRow } from './redrive-outcome';
export type { RedriveOutcome } from './redrive-outcome';
export type { HeldSubject } from './held-events';

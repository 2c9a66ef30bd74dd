// Public entry: Replaying the log into a register: range, filter, target, applier, run, state-topic bootstrap.
export { runReplay } from './replay-run';
export type { ReplayProgress, ReplaySummary } from './replay-run';
export { ReplayAbortedError, ReplayApplier } from './replay-applier';
export { bootReplayTarget } from './replay-target';
export type { ReplayTarget } from './replay-target';
export type { RecordFilter } from './record-filter';
export { resolveLogRange } from './log-range';
export type { LogRangeSelection } from './log-range';
export { readBoundedLog } from './bounded-log-reader';
export { bootstrapFromStateTopic } from './state-topic-bootstrap';
export type { BootstrapResult } from './state-topic-bootstrap';

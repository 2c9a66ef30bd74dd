// Public entry: What the replay engine drives: the handlers, the batch applier, the acknowledged sender, the relay batch size.
export { EventHandlers } from './event-handlers';
export { BatchApplier } from './batch-applier';
export type { AppliedOutcome } from './batch-applier';
export { AcknowledgedSender } from './acknowledged-sender';
export { RELAY_MAX_BATCH_ROWS } from './outbox-relay';

import { EntityManager } from 'typeorm';
import { RegsyncEventContext } from './regsync-event-context';

/**
 * The second argument of an `@EventBatchPattern` handler: the chunk's transaction and each event's own context (its
 * topic and partition among them: one call may hold events of several partitions).
 */
export class RegsyncBatchContext {
  constructor(
    /** EntityManager of the inbox transaction; write register rows (and outbox.appendMany) with it only. */
    readonly manager: EntityManager,
    /** One per event, in the order of the events (admission, offset, headers, traceparent). */
    readonly events: readonly RegsyncEventContext[],
  ) {}
}

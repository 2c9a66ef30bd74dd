import { EntityManager } from 'typeorm';
import { RegsyncEventContext } from './regsync-event-context';

/** The second argument of an `@EventBatchPattern` handler: the chunk's transaction and each event's own context. */
export class RegsyncBatchContext {
  constructor(
    /** EntityManager of the inbox transaction; write register rows (and outbox.appendMany) with it only. */
    readonly manager: EntityManager,
    readonly topic: string,
    readonly partition: number,
    /** One per event, in the order of the events (admission, offset, headers, traceparent). */
    readonly events: readonly RegsyncEventContext[],
  ) {}
}

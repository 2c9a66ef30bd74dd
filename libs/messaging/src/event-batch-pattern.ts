import { SetMetadata } from '@nestjs/common';
import { EventType } from '@regsync/contracts/generated/events';

export const EVENT_BATCH_PATTERN_METADATA = 'regsync:event-batch-pattern';

/**
 * Marks a method of a controller or provider as the batch handler of one event type: it receives, in log order, every
 * event of that type in a run of a chunk that the inbox admitted (new, not stale), with a `RegsyncBatchContext`.
 * Regsync's own metadata, not `@EventPattern`, so Nest never calls it with a single event.
 */
export const EventBatchPattern = (eventType: EventType): MethodDecorator => SetMetadata(EVENT_BATCH_PATTERN_METADATA, eventType);

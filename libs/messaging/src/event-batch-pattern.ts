import { SetMetadata } from '@nestjs/common';
import { EventType } from '@regsync/contracts/generated/events';

export const EVENT_BATCH_PATTERN_METADATA = 'regsync:event-batch-pattern';

/**
 * Marks a method of a controller or provider as the batch handler of one or more event types: it receives, in log
 * order, every event of those types in a run of a chunk that the inbox admitted (new, not stale), with a
 * `RegsyncBatchContext`; a handler of several types gets their events mixed in one call.
 * Regsync's own metadata, not `@EventPattern`, so Nest never calls it with a single event.
 */
export const EventBatchPattern = (...eventTypes: EventType[]): MethodDecorator => SetMetadata(EVENT_BATCH_PATTERN_METADATA, eventTypes);

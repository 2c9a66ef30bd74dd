import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { EVENT_BATCH_PATTERN_METADATA } from './event-batch-pattern';
import { HandlerFailure } from './handler-failure.interceptor';
import { RegsyncBatchContext } from './regsync-batch-context';
import { RegsyncEventContext } from './regsync-event-context';

/** Both throw what the app's method threw, unwrapped. */
export type EventHandler = (event: RegsyncEvent, context: RegsyncEventContext) => Promise<void>;
export type BatchEventHandler = (events: RegsyncEvent[], context: RegsyncBatchContext) => Promise<void>;

/** The transport Nest registered the app's `@EventPattern` handlers with. */
export type NestEventServer = Pick<Server, 'getHandlers' | 'getHandlerByPattern' | 'transformToObservable'>;

export interface EventHandlersOfType {
  /** The `@EventPattern` method. */
  each?: EventHandler;
  /** The `@EventBatchPattern` method; the same function for every type the method names. */
  batch?: BatchEventHandler;
}

/**
 * The app's event handlers per event type, found once when the consumer starts. `@EventPattern` methods run through
 * Nest's own handler (its guards, interceptors, pipes, filters and parameter decorators); `@EventBatchPattern` methods
 * of singleton controllers and providers are called with `(events, context)`.
 */
export class EventHandlers {
  constructor(private readonly byType: ReadonlyMap<string, EventHandlersOfType>) {}

  static discover(discovery: DiscoveryService, scanner: MetadataScanner, server: NestEventServer): EventHandlers {
    const byType = new Map<string, EventHandlersOfType>();
    const entry = (eventType: string) => byType.get(eventType) ?? byType.set(eventType, {}).get(eventType)!;
    for (const [pattern, handler] of server.getHandlers()) if (handler.isEventHandler) entry(pattern).each = throughNest(server, pattern);

    for (const wrapper of [...discovery.getControllers(), ...discovery.getProviders()]) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const batchTypes = Reflect.getMetadata(EVENT_BATCH_PATTERN_METADATA, method) as string[] | undefined;
        if (batchTypes === undefined) continue;
        if (!wrapper.isDependencyTreeStatic()) throw new Error(`@EventBatchPattern on ${wrapper.name}.${name}: batch handlers must be singletons`);
        // One function for all its types: the applier hands a run of them to it in one call.
        const batch: BatchEventHandler = async (events, context) => settle(method.call(instance, events, context));
        for (const batchType of batchTypes) {
          if (entry(batchType).batch) throw new Error(`@EventBatchPattern('${batchType}'): more than one batch handler`);
          entry(batchType).batch = batch;
        }
      }
    }
    return new EventHandlers(byType);
  }

  of(eventType: string): EventHandlersOfType | undefined {
    return this.byType.get(eventType);
  }

  eventTypes(): string[] {
    return [...this.byType.keys()];
  }
}

/** Waits for what the method returned, as Nest would (a promise or an observable). */
async function settle(returned: unknown): Promise<void> {
  const value = await returned;
  if (isObservable(value)) await lastValueFrom(value, { defaultValue: undefined });
}

/** Nest's handler with its enhancers; HandlerFailureInterceptor hands the original error back as a value. */
function throughNest(server: NestEventServer, pattern: string): EventHandler {
  let handler: ReturnType<Server['getHandlerByPattern']> | undefined;
  return async (event, context) => {
    handler ??= server.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no Nest handler for ${pattern}`);
    const result = await lastValueFrom(server.transformToObservable(await handler(event, context)), { defaultValue: undefined });
    if (result instanceof HandlerFailure) throw result.error;
  };
}

import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { Server } from '@nestjs/microservices';
import { PatternHandler } from '@nestjs/microservices/enums/pattern-handler.enum';
import { PATTERN_HANDLER_METADATA, PATTERN_METADATA } from '@nestjs/microservices/constants';
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum';
import { isObservable, lastValueFrom } from 'rxjs';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { EVENT_BATCH_PATTERN_METADATA } from './event-batch-pattern';
import { HandlerFailure, HandlerFailureInterceptor } from './handler-failure.interceptor';
import { RegsyncBatchContext } from './regsync-batch-context';
import { RegsyncEventContext } from './regsync-event-context';

/** Both throw what the app's method threw, unwrapped. */
export type EventHandler = (event: RegsyncEvent, context: RegsyncEventContext) => Promise<void>;
export type BatchEventHandler = (events: RegsyncEvent[], context: RegsyncBatchContext) => Promise<void>;

export interface EventHandlersOfType {
  /** The `@EventPattern` method. */
  each?: EventHandler;
  /** The `@EventBatchPattern` method; the same function for every type the method names. */
  batch?: BatchEventHandler;
}

const ENHANCER_METADATA = [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA];
const GLOBAL_ENHANCER_TOKENS = ['APP_GUARD', 'APP_INTERCEPTOR', 'APP_PIPE'];

/**
 * The app's event handlers per event type, found once when the consumer starts. An `@EventPattern` method is called
 * directly (its instance and method, the arguments placed by `@Payload()` / `@Ctx()`) when Nest's RPC pipeline would
 * add nothing: no guard, interceptor, pipe or filter on it or its class, no global one besides regsync's own
 * HandlerFailureInterceptor, a singleton instance, plain parameters. Otherwise it goes through Nest's handler as before.
 * Enhancers set with `app.useGlobal*()` are not visible here; regsync's services set none for event handlers.
 */
export class EventHandlers {
  constructor(private readonly byType: ReadonlyMap<string, EventHandlersOfType>) {}

  static discover(discovery: DiscoveryService, scanner: MetadataScanner, server: Pick<Server, 'getHandlerByPattern' | 'transformToObservable'>): EventHandlers {
    const byType = new Map<string, EventHandlersOfType>();
    const entry = (eventType: string) => byType.get(eventType) ?? byType.set(eventType, {}).get(eventType)!;
    const globalEnhancers = discovery.getProviders().some(({ token, metatype }) => typeof token === 'string' && GLOBAL_ENHANCER_TOKENS.some((prefix) => token.startsWith(`${prefix} `)) && metatype !== HandlerFailureInterceptor);
    const eachHandlers = new Map<string, number>();

    const controllers = new Set(discovery.getControllers());
    for (const wrapper of [...controllers, ...discovery.getProviders()]) {
      const { instance } = wrapper;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
        const batchTypes = Reflect.getMetadata(EVENT_BATCH_PATTERN_METADATA, method) as string[] | undefined;
        if (batchTypes !== undefined) {
          if (!wrapper.isDependencyTreeStatic()) throw new Error(`@EventBatchPattern on ${wrapper.name}.${name}: batch handlers must be singletons`);
          // One function for all its types: the applier hands a run of them to it in one call.
          const batch: BatchEventHandler = async (events, context) => settle(method.call(instance, events, context));
          for (const batchType of batchTypes) {
            if (entry(batchType).batch) throw new Error(`@EventBatchPattern('${batchType}'): more than one batch handler`);
            entry(batchType).batch = batch;
          }
        }
        if (!controllers.has(wrapper) || Reflect.getMetadata(PATTERN_HANDLER_METADATA, method) !== PatternHandler.EVENT) continue;
        for (const pattern of (Reflect.getMetadata(PATTERN_METADATA, method) as unknown[]) ?? []) {
          if (typeof pattern !== 'string') continue;
          eachHandlers.set(pattern, (eachHandlers.get(pattern) ?? 0) + 1);
          const order = globalEnhancers ? undefined : directArguments(wrapper, name, method);
          entry(pattern).each = order ? async (event, context) => settle(method.apply(instance, order(event, context))) : throughNest(server, pattern);
        }
      }
    }
    // Several @EventPattern methods for one type: Nest decides which of them run, as it did before.
    for (const [pattern, count] of eachHandlers) if (count > 1) entry(pattern).each = throughNest(server, pattern);
    return new EventHandlers(byType);
  }

  of(eventType: string): EventHandlersOfType | undefined {
    return this.byType.get(eventType);
  }

  eventTypes(): string[] {
    return [...this.byType.keys()];
  }
}

/** How to place (event, context) in the method's parameters, or undefined when only Nest's pipeline can call it. */
function directArguments(wrapper: InstanceWrapper, name: string, method: object): ((event: RegsyncEvent, context: RegsyncEventContext) => unknown[]) | undefined {
  const type = wrapper.metatype as object;
  if (!wrapper.isDependencyTreeStatic()) return undefined;
  if (ENHANCER_METADATA.some((key) => hasItems(Reflect.getMetadata(key, type)) || hasItems(Reflect.getMetadata(key, method)))) return undefined;
  const params = (Reflect.getMetadata(ROUTE_ARGS_METADATA, wrapper.instance.constructor, name) ?? {}) as Record<string, { index: number; data?: unknown; pipes?: unknown[] }>;
  const entries = Object.entries(params);
  if (entries.length === 0) return (event, context) => [event, context];
  const placed: ('event' | 'context')[] = [];
  for (const [key, { index, data, pipes }] of entries) {
    const paramType = Number(key.split(':')[0]);
    if (data !== undefined || hasItems(pipes)) return undefined;
    if (paramType === RpcParamtype.PAYLOAD) placed[index] = 'event';
    else if (paramType === RpcParamtype.CONTEXT) placed[index] = 'context';
    else return undefined;
  }
  return (event, context) => Array.from(placed, (what) => (what === 'event' ? event : what === 'context' ? context : undefined));
}

/** Waits for what the method returned, as Nest would (a promise or an observable). */
async function settle(returned: unknown): Promise<void> {
  const value = await returned;
  if (isObservable(value)) await lastValueFrom(value, { defaultValue: undefined });
}

function hasItems(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** Nest's handler with its enhancers; HandlerFailureInterceptor hands the original error back as a value. */
function throughNest(server: Pick<Server, 'getHandlerByPattern' | 'transformToObservable'>, pattern: string): EventHandler {
  let handler: ReturnType<Server['getHandlerByPattern']> | undefined;
  return async (event, context) => {
    handler ??= server.getHandlerByPattern(pattern);
    if (!handler) throw new Error(`no Nest handler for ${pattern}`);
    const result = await lastValueFrom(server.transformToObservable(await handler(event, context)), { defaultValue: undefined });
    if (result instanceof HandlerFailure) throw result.error;
  };
}

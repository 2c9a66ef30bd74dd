import { CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { EventHandlers } from '@regsync/messaging/replay-support';

/**
 * A transport that never consumes: connected to a register's Nest application, it only collects the app's
 * `@EventPattern` handlers (with their interceptors and parameter decorators), so a replay calls exactly the
 * handlers the live consumer calls, without joining the live consumer group.
 */
export class ReplayHandlersServer extends Server implements CustomTransportStrategy {
  /** Set by bootReplayTarget once the app is initialised. */
  eventHandlers?: EventHandlers;

  /** Nest's handlers, and a placeholder for each event type that only a batch handler takes (to choose topics by). */
  override getHandlers(): Map<string, MessageHandler> {
    const handlers = new Map(super.getHandlers());
    const batchOnly: MessageHandler = async () => {
      throw new Error('a batch handler is called through EventHandlers');
    };
    for (const eventType of this.eventHandlers?.eventTypes() ?? []) if (!handlers.has(eventType)) handlers.set(eventType, batchOnly);
    return handlers;
  }

  listen(callback: (error?: unknown) => void): void {
    callback();
  }

  close(): void {}

  on(): never {
    throw new Error('ReplayHandlersServer emits no events');
  }

  unwrap<T>(): T {
    throw new Error('ReplayHandlersServer wraps no client');
  }
}

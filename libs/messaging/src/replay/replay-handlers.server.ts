import { CustomTransportStrategy, Server } from '@nestjs/microservices';

/**
 * A transport that never consumes: connected to a register's Nest application, it only collects the app's
 * `@EventPattern` handlers (with their interceptors and parameter decorators), so a replay calls exactly the
 * handlers the live consumer calls, without joining the live consumer group.
 */
export class ReplayHandlersServer extends Server implements CustomTransportStrategy {
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

import { INestMicroservice, CallHandler, Controller, ExecutionContext, Injectable, Module, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule, DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { Ctx, CustomTransportStrategy, EventPattern, Payload, Server } from '@nestjs/microservices';
import { Observable, tap } from 'rxjs';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { EventBatchPattern } from './event-batch-pattern';
import { EventHandlers } from './event-handlers';
import { HandlerFailureInterceptor } from './handler-failure.interceptor';
import { RegsyncBatchContext } from './regsync-batch-context';
import { RegsyncEventContext } from './regsync-event-context';

const calls: unknown[][] = [];

@Injectable()
class PassThrough implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    calls.push(['before']);
    return next.handle().pipe(tap(() => calls.push(['after'])));
  }
}

@Controller()
class Handlers {
  @EventPattern('NameChanged')
  onNameChanged(@Ctx() context: RegsyncEventContext, @Payload() event: RegsyncEvent) {
    calls.push(['NameChanged', event, context]);
  }

  @EventPattern('MovedOut')
  async onMovedOut(@Payload() event: RegsyncEvent) {
    throw new Error(`bad ${event.envelope.eventId}`);
  }

  @EventPattern('DeathRecorded')
  @UseInterceptors(PassThrough)
  onDeathRecorded() {
    calls.push(['DeathRecorded']);
  }
}

@Controller()
class MoreHandlers {
  @EventPattern('NameChanged')
  alsoOnNameChanged(@Payload() event: RegsyncEvent) {
    calls.push(['NameChanged again', event]);
  }
}

@Injectable()
class ResidenceBatches {
  @EventBatchPattern('ResidenceRegistered')
  async onResidences(events: RegsyncEvent[], context: RegsyncBatchContext) {
    calls.push(['ResidenceRegistered', events, context]);
  }
}

@Injectable()
class ParcelBatches {
  @EventBatchPattern('ParcelRecorded', 'ParcelChanged')
  async onParcels(events: RegsyncEvent[]) {
    calls.push(['parcels', events]);
  }
}

@Module({
  imports: [DiscoveryModule],
  controllers: [Handlers, MoreHandlers],
  providers: [ResidenceBatches, ParcelBatches, PassThrough, { provide: APP_INTERCEPTOR, useClass: HandlerFailureInterceptor }],
})
class HandlersModule {}

/** A transport that only collects the handlers Nest registers, as the replay's does. */
class CollectingServer extends Server implements CustomTransportStrategy {
  listen(callback: (error?: unknown) => void): void {
    callback();
  }

  close(): void {}

  on(): never {
    throw new Error('not used');
  }

  unwrap<T>(): T {
    throw new Error('not used');
  }
}

describe('EventHandlers', () => {
  let app: INestMicroservice;
  let handlers: EventHandlers;
  const event = { envelope: { eventId: 'e-1' } } as RegsyncEvent;
  // HandlerFailureInterceptor hands back the errors of regsync's contexts only.
  const context = Object.create(RegsyncEventContext.prototype) as RegsyncEventContext;

  beforeAll(async () => {
    const server = new CollectingServer();
    app = await NestFactory.createMicroservice(HandlersModule, { strategy: server, logger: false });
    await app.init();
    handlers = EventHandlers.discover(app.get(DiscoveryService), app.get(MetadataScanner), server);
  });

  afterAll(() => app.close());

  beforeEach(() => (calls.length = 0));

  it("runs an @EventPattern method through Nest's pipeline, with payload and context in the places its decorators give, and every method of the type", async () => {
    await handlers.of('NameChanged')!.each!(event, context);
    expect(calls).toEqual([
      ['NameChanged', event, context],
      ['NameChanged again', event],
    ]);
  });

  it('lets the error of a handler arrive as thrown, not as Nest\'s RPC error', async () => {
    await expect(handlers.of('MovedOut')!.each!(event, context)).rejects.toThrow('bad e-1');
  });

  it('runs the interceptor of a handler around it', async () => {
    await handlers.of('DeathRecorded')!.each!(event, context);
    expect(calls).toEqual([['before'], ['DeathRecorded'], ['after']]);
  });

  it('finds an @EventBatchPattern method of a provider, and lists every handled event type', async () => {
    const batchContext = new RegsyncBatchContext(undefined as never, [context]);
    await handlers.of('ResidenceRegistered')!.batch!([event], batchContext);
    expect(calls).toEqual([['ResidenceRegistered', [event], batchContext]]);
    expect(handlers.of('ResidenceRegistered')!.each).toBeUndefined();
    expect(handlers.eventTypes().sort()).toEqual(['DeathRecorded', 'MovedOut', 'NameChanged', 'ParcelChanged', 'ParcelRecorded', 'ResidenceRegistered']);
  });

  it('gives every type an @EventBatchPattern method names the same handler, so the applier hands their runs to it at once', async () => {
    const parcels = handlers.of('ParcelRecorded')!.batch!;
    expect(handlers.of('ParcelChanged')!.batch).toBe(parcels);
    expect(handlers.of('ResidenceRegistered')!.batch).not.toBe(parcels);
    await parcels([event, event], new RegsyncBatchContext(undefined as never, [context, context]));
    expect(calls).toEqual([['parcels', [event, event]]]);
  });
});

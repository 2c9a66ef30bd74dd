import { CallHandler, Controller, ExecutionContext, Injectable, Module, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessageHandler, Payload } from '@nestjs/microservices';
import { Observable, of } from 'rxjs';
import { RegsyncEvent } from '@regsync/contracts/generated/events';
import { EventBatchPattern } from './event-batch-pattern';
import { EventHandlers } from './event-handlers';
import { HandlerFailure } from './handler-failure.interceptor';
import { RegsyncBatchContext } from './regsync-batch-context';
import { RegsyncEventContext } from './regsync-event-context';

const calls: unknown[][] = [];

@Injectable()
class PassThrough implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
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
    calls.push(['DeathRecorded through Nest']);
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

@Module({ imports: [DiscoveryModule], controllers: [Handlers], providers: [ResidenceBatches, ParcelBatches, PassThrough] })
class HandlersModule {}

/** Stands in for the Nest server: it knows only the handler that needs Nest's pipeline. */
function nestServer(): { getHandlerByPattern: (pattern: string) => MessageHandler | null; transformToObservable: <T>(value: T) => Observable<T> } {
  return {
    getHandlerByPattern: (pattern) => {
      if (pattern !== 'DeathRecorded') throw new Error(`${pattern} was not to go through Nest`);
      return (async () => {
        calls.push(['DeathRecorded through Nest']);
        return new HandlerFailure(new Error('wrapped'));
      }) as unknown as MessageHandler;
    },
    transformToObservable: (value) => of(value),
  };
}

describe('EventHandlers', () => {
  let handlers: EventHandlers;
  const event = { envelope: { eventId: 'e-1' } } as RegsyncEvent;
  const context = {} as RegsyncEventContext;

  beforeAll(async () => {
    const app = await NestFactory.createApplicationContext(HandlersModule, { logger: false });
    handlers = EventHandlers.discover(app.get(DiscoveryService), app.get(MetadataScanner), nestServer());
    await app.close();
  });

  beforeEach(() => (calls.length = 0));

  it('calls a plain @EventPattern method directly, with payload and context in the places its decorators give', async () => {
    await handlers.of('NameChanged')!.each!(event, context);
    expect(calls).toEqual([['NameChanged', event, context]]);
  });

  it('lets the error of a directly called handler arrive as thrown', async () => {
    await expect(handlers.of('MovedOut')!.each!(event, context)).rejects.toThrow('bad e-1');
  });

  it('calls a handler with an interceptor of its own through Nest, and unwraps the error the interceptor hands back', async () => {
    await expect(handlers.of('DeathRecorded')!.each!(event, context)).rejects.toThrow('wrapped');
    expect(calls).toEqual([['DeathRecorded through Nest']]);
  });

  it('finds an @EventBatchPattern method of a provider, and lists every handled event type', async () => {
    const batchContext = new RegsyncBatchContext(undefined as never, 'topic', 0, [context]);
    await handlers.of('ResidenceRegistered')!.batch!([event], batchContext);
    expect(calls).toEqual([['ResidenceRegistered', [event], batchContext]]);
    expect(handlers.of('ResidenceRegistered')!.each).toBeUndefined();
    expect(handlers.eventTypes().sort()).toEqual(['DeathRecorded', 'MovedOut', 'NameChanged', 'ParcelChanged', 'ParcelRecorded', 'ResidenceRegistered']);
  });

  it('gives every type an @EventBatchPattern method names the same handler, so the applier hands their runs to it at once', async () => {
    const parcels = handlers.of('ParcelRecorded')!.batch!;
    expect(handlers.of('ParcelChanged')!.batch).toBe(parcels);
    expect(handlers.of('ResidenceRegistered')!.batch).not.toBe(parcels);
    await parcels([event, event], new RegsyncBatchContext(undefined as never, 'topic', 0, [context, context]));
    expect(calls).toEqual([['parcels', [event, event]]]);
  });
});

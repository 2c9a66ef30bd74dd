import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, catchError, of } from 'rxjs';
import { RegsyncEventContext } from './regsync-event-context';

/** What an event handler threw, handed back to the transport as a value. */
export class HandlerFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Nest's RPC exception filter replaces an unknown error by `{ status: 'error' }`, which would hide whether a
 * failure is permanent (EventRejectedError, DomainValidationError) or transient. For regsync event handlers
 * this interceptor passes the original error to the transport instead; other contexts are untouched.
 */
@Injectable()
export class HandlerFailureInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc' || !(context.switchToRpc().getContext() instanceof RegsyncEventContext)) return next.handle();
    return next.handle().pipe(catchError((error: unknown) => of(new HandlerFailure(error))));
  }
}

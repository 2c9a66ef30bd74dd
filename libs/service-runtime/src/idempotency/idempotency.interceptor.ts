import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { from, lastValueFrom, map, Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../agency-api-key.guard';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from './idempotency-key';
import { IdempotentRequests } from './idempotent-requests';
import { requestFingerprint } from './request-fingerprint';

export const IDEMPOTENCY_REPLAYED_HEADER = 'Idempotency-Replayed';

/** Runs a keyed write request once (idempotent-requests.ts) and answers a repetition from the store. */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly requests: IdempotentRequests) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<Request & AuthenticatedRequest>();
    const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()]);
    if (key === undefined) return next.handle();
    if (request.agency === undefined) throw new Error('idempotency: a keyed route needs the AgencyApiKeyGuard, keys are per agency');
    const fingerprint = requestFingerprint(request.method, request.originalUrl.split('?')[0], request.body);
    // next.handle() is called inside the key's transaction so the handler's RequestTransaction.run joins it.
    const answer = this.requests.once({ agency: request.agency, key, fingerprint }, () => lastValueFrom(next.handle(), { defaultValue: null }));
    return from(answer).pipe(
      map(({ body, replayed }) => {
        if (replayed) http.getResponse<Response>().setHeader(IDEMPOTENCY_REPLAYED_HEADER, 'true');
        return body;
      }),
    );
  }
}

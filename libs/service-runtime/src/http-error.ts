import { HttpException, HttpStatus } from '@nestjs/common';
import { ZodError } from 'zod';
import { EventCodecNotReadyError } from '@regsync/contracts/event-encoding';
import { RegisterRejection } from '@regsync/register-domain/register-rules';
import { DomainValidationError, Violation } from '@regsync/register-domain/validation-error';
import { IdempotencyKeyRefusal } from './idempotency/idempotency-key-refusal';

// PostgreSQL's cannot_connect_now: the server starts, or the outbox refuses a restored database its relay has not checked.
const DATABASE_NOT_READY = '57P03';

export interface HttpErrorBody {
  error: string;
  code?: string;
  violations?: Violation[];
}

/**
 * The one mapping of errors to HTTP answers: broken rules are 400 with every field and rule, a refused register
 * change 409 with its code, an Idempotency-Key in flight 409 or reused 422 with its code, an oversize body 413, a
 * write while the service still starts 503 (also while its database is not taking work yet, SQLSTATE 57P03: starting,
 * or restored and not yet checked by the outbox relay); anything unknown is 500 without internals.
 */
export function httpErrorOf(error: unknown): { status: number; body: HttpErrorBody } {
  if (error instanceof DomainValidationError) {
    return { status: HttpStatus.BAD_REQUEST, body: { error: 'invalid request', violations: [...error.violations] } };
  }
  if (error instanceof ZodError) {
    const violations = error.issues.map((issue) => ({
      field: issue.path.join('.') || 'body',
      rule: issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'is required' : issue.message,
    }));
    return { status: HttpStatus.BAD_REQUEST, body: { error: 'invalid request', violations } };
  }
  if (error instanceof RegisterRejection) {
    return { status: HttpStatus.CONFLICT, body: { error: error.reason, code: error.code } };
  }
  if (error instanceof IdempotencyKeyRefusal) {
    return { status: error.status, body: { error: error.reason, code: error.code } };
  }
  if (error instanceof EventCodecNotReadyError) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { error: `not ready: ${error.message}; retry shortly`, code: 'not-ready' } };
  }
  if ((error as { code?: unknown } | null)?.code === DATABASE_NOT_READY) {
    return { status: HttpStatus.SERVICE_UNAVAILABLE, body: { error: 'not ready: the database does not take writes yet; retry shortly', code: 'not-ready' } };
  }
  const bodyParserType = (error as { type?: string } | null)?.type;
  if (bodyParserType === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    return { status: HttpStatus.PAYLOAD_TOO_LARGE, body: { error: 'request body too large', violations: [{ field: 'body', rule: `must be at most ${limit ?? '?'} bytes` }] } };
  }
  if (bodyParserType === 'entity.parse.failed') {
    return { status: HttpStatus.BAD_REQUEST, body: { error: 'invalid request', violations: [{ field: 'body', rule: 'must be valid JSON' }] } };
  }
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    return { status: error.getStatus(), body: { error: Array.isArray(message) ? message.join('; ') : String(message ?? error.message) } };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: 'internal error' } };
}

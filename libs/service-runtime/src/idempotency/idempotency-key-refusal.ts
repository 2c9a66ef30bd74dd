import { HttpStatus } from '@nestjs/common';

/**
 * A request whose Idempotency-Key cannot be honoured (IETF httpapi draft "The Idempotency-Key HTTP Header Field",
 * section 2.7): 409 while the first request with the key is still in flight, 422 when the key was used for another
 * request. The HTTP edge (http-error.ts) answers with the status and the code.
 */
export class IdempotencyKeyRefusal extends Error {
  private constructor(
    readonly status: HttpStatus,
    readonly code: 'idempotency-key-in-flight' | 'idempotency-key-reused',
    readonly reason: string,
  ) {
    super(`${code}: ${reason}`);
    this.name = new.target.name;
  }

  static inFlight(): IdempotencyKeyRefusal {
    return new IdempotencyKeyRefusal(HttpStatus.CONFLICT, 'idempotency-key-in-flight', 'Idempotency-Key: a request with this key is still being processed; retry it later');
  }

  static reused(): IdempotencyKeyRefusal {
    return new IdempotencyKeyRefusal(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'idempotency-key-reused',
      'Idempotency-Key: this key was used for a different request (method, path or body); use a new key for a new request',
    );
  }
}

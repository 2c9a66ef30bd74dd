import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENCY_KEY_MAX_LENGTH } from './idempotency-key';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENCY_KEY_RETENTION_HOURS } from './idempotent-requests';

/** Marks an agency write endpoint idempotent under an `Idempotency-Key` header, and documents it in OpenAPI. */
export function IdempotentWrite(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_KEY_HEADER,
      required: false,
      schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH, pattern: '^[ -~]+$' },
      description:
        'A key of your choice (e.g. a UUID) that makes a retry of this request safe (IETF httpapi draft "The Idempotency-Key HTTP ' +
        `Header Field"). The same key with the same method, path and body returns the first answer again, with header ` +
        `Idempotency-Replayed: true, and has no second effect, also after a restart and on another replica. Keys are per agency ` +
        `and kept ${IDEMPOTENCY_KEY_RETENTION_HOURS} h. While the first request with the key is in flight, another gets 409 ` +
        '(code idempotency-key-in-flight); the key with a different body gets 422 (code idempotency-key-reused). Refused ' +
        'requests (4xx) are not stored: their key stays free. An empty, too long or non-printable key gets 400.',
    }),
    ApiUnprocessableEntityResponse({ description: 'code idempotency-key-reused: the Idempotency-Key was used for a different request' }),
  );
}

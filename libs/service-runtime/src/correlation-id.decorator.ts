import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';

const ACCEPTED = /^[A-Za-z0-9._:-]{1,100}$/;

/** The citizen action's correlation id: the caller's `x-correlation-id`, or a new one. Every follow-up event carries it. */
export const CorrelationId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const presented = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>().headers['x-correlation-id'];
  return typeof presented === 'string' && ACCEPTED.test(presented) ? presented : randomUUID();
});

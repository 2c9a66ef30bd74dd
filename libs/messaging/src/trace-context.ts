import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const activeTraceparent = new AsyncLocalStorage<string>();

// One randomBytes call per 16 KiB instead of one or two per event: the outbox makes a traceparent for every event.
const POOL_SIZE = 16 * 1024;
let pool = Buffer.alloc(0);
let poolOffset = 0;

/** Runs `work` with `traceparent` as the active W3C trace context (the consumer does this around each handler). */
export function runInTraceContext<T>(traceparent: string | undefined, work: () => T): T {
  return traceparent && TRACEPARENT.test(traceparent) ? activeTraceparent.run(traceparent, work) : work();
}

/**
 * A traceparent for a new span: a child of the active trace context (same trace id, new span id), or the
 * root of a new trace when none is active, so every event can be followed from producer to consumer.
 */
export function nextTraceparent(): string {
  const match = TRACEPARENT.exec(activeTraceparent.getStore() ?? '');
  const traceId = match ? match[1] : randomHex(16);
  const flags = match ? match[3] : '01';
  return `00-${traceId}-${randomHex(8)}-${flags}`;
}

/** `bytes` cryptographically random bytes as hex, taken from the pool; each byte is handed out once. */
function randomHex(bytes: number): string {
  if (poolOffset + bytes > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

import { SpanKind, trace } from '@opentelemetry/api';
import { ReadableSpan } from '@opentelemetry/sdk-trace';
import { startTracing } from '@regsync/observability/telemetry';
import { inSpan, traceContextOf, traceHeaders } from './trace-context';

describe('trace context on the wire', () => {
  const sdk = startTracing({ serviceName: 'test' });
  afterAll(() => sdk.shutdown());

  it('stores the active span as W3C traceparent and continues it from Kafka headers', async () => {
    const { stored, appendSpan } = await inSpan({ name: 'append', kind: SpanKind.PRODUCER }, async (span) => ({ stored: traceHeaders(), appendSpan: span.spanContext() }));
    expect(stored.traceparent).toBe(`00-${appendSpan.traceId}-${appendSpan.spanId}-01`);

    // kafkajs hands header values out as Buffers
    const consumed = await inSpan({ name: 'handle', kind: SpanKind.CONSUMER, parent: traceContextOf({ traceparent: Buffer.from(stored.traceparent) }) }, async () => trace.getActiveSpan()!);
    expect(consumed.spanContext().traceId).toBe(appendSpan.traceId);
    expect((consumed as unknown as ReadableSpan).parentSpanContext?.spanId).toBe(appendSpan.spanId);
  });

  it('stores nothing without an active span, and a record without traceparent starts no trace', () => {
    expect(traceHeaders()).toEqual({});
    expect(trace.getSpanContext(traceContextOf({}))).toBeUndefined();
  });
});

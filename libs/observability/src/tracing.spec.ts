import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { CreationContextPropagator } from './tracing';

const setter = { set: (carrier: Record<string, string>, key: string, value: string) => (carrier[key] = value) };
const active = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });

describe('CreationContextPropagator', () => {
  it('writes the active span context as W3C traceparent on a record without one', () => {
    const headers: Record<string, string> = {};
    new CreationContextPropagator().inject(active, headers, setter);
    expect(headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  });

  it('keeps the creation context a record already carries (an outbox row sent by the relay)', () => {
    const headers = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    new CreationContextPropagator().inject(active, headers, setter);
    expect(headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });
});

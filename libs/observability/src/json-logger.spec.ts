import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { JsonLogger } from './json-logger';
import { startTracing } from './tracing';

describe('JsonLogger', () => {
  const written: string[] = [];
  const sdk = startTracing({ serviceName: 'test' });
  afterAll(() => sdk.shutdown());
  beforeEach(() => {
    written.length = 0;
    jest.spyOn(process.stdout, 'write').mockImplementation((line) => written.push(String(line)) > 0);
  });
  afterEach(() => jest.restoreAllMocks());

  it('writes one JSON line with the service, its instance and the active trace and span id', () => {
    const span = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    context.with(span, () => new JsonLogger({ service: 'municipal-register', instance: '03404000' }).log('applied', 'Residents'));
    expect(JSON.parse(written[0])).toMatchObject({ level: 'log', message: 'applied', context: 'Residents', service: 'municipal-register', instance: '03404000', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' });
  });

  it('has no trace fields outside a span', () => {
    new JsonLogger({ service: 'router' }).warn('standby');
    const line = JSON.parse(written[0]);
    expect(line).toMatchObject({ level: 'warn', message: 'standby', service: 'router' });
    expect(line).not.toHaveProperty('trace_id');
  });
});

import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { CreationContextPropagator, PerRecordKafkaSpansOff, exportersOf } from './tracing';

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

describe('PerRecordKafkaSpansOff', () => {
  const sampler = new PerRecordKafkaSpansOff();
  const decisionOf = (attributes: Record<string, string>, kind = SpanKind.CONSUMER) => sampler.shouldSample(active, '4bf92f3577b34da6a3ce929d0e0e4736', 'span', kind, attributes, []).decision;

  it("records none of kafkajs' spans per record sent or processed", () => {
    expect(decisionOf({ 'messaging.system': 'kafka', 'messaging.operation.type': 'send' }, SpanKind.PRODUCER)).toBe(SamplingDecision.NOT_RECORD);
    expect(decisionOf({ 'messaging.system': 'kafka', 'messaging.operation.type': 'process' })).toBe(SamplingDecision.NOT_RECORD);
  });

  it('records its span per fetched batch and regsync’s own spans in a sampled trace', () => {
    expect(decisionOf({ 'messaging.system': 'kafka', 'messaging.operation.type': 'receive' }, SpanKind.CLIENT)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decisionOf({ 'messaging.system': 'kafka', 'messaging.batch.message_count': '1' })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});

describe('exportersOf', () => {
  it('exports nothing unless OTEL_TRACES_EXPORTER names an exporter', () => {
    expect(exportersOf({}).map((processor) => processor.constructor.name)).toEqual(['NoopSpanProcessor']);
    expect(exportersOf({ exporter: 'otlp' }).map((processor) => processor.constructor.name)).toEqual(['BatchSpanProcessor']);
  });

  it('refuses, naming the variable, an exporter or protocol it does not load', () => {
    expect(() => exportersOf({ exporter: 'zipkin' })).toThrow('OTEL_TRACES_EXPORTER: "zipkin" is not supported, use otlp, console or none');
    expect(() => exportersOf({ exporter: 'otlp', protocol: 'grpc' })).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported, use http/protobuf (port 4318)');
  });
});

import { Attributes, Context, Link, SpanKind, TextMapPropagator, TextMapSetter, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  ParentBasedSampler,
  Sampler,
  SamplingDecision,
  SamplingResult,
  SimpleSpanProcessor,
  SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';

export interface TracingOptions {
  /** `service.name`, e.g. `municipal-register` (OTEL_SERVICE_NAME, read by the SDK's env detector, wins). */
  serviceName: string;
  /** The instance key the process serves (`regsync.instance`), e.g. `03404000`. */
  instance?: string;
  /** Where finished spans go; default: what the standard OTEL_* variables say (`exportersOf`). */
  spanProcessors?: SpanProcessor[];
}

/** What a service does with its finished spans: the exporters of OTEL_TRACES_EXPORTER (default none). */
export interface ExportSettings {
  /** OTEL_TRACES_EXPORTER: `otlp`, `console` or `none`. */
  exporter?: string;
  /** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL. */
  protocol?: string;
}

/**
 * Span processors for the standard variables: OTLP over http/protobuf (the exporter reads OTEL_EXPORTER_OTLP_ENDPOINT,
 * _HEADERS, _TIMEOUT itself) in batches, the console, or nothing; spans are made either way, so every event still carries
 * a traceparent. The OTLP exporter (protobufjs) is loaded only when asked for: it is the SDK's heaviest part.
 */
export function exportersOf(settings: ExportSettings): SpanProcessor[] {
  return (settings.exporter ?? 'none').split(',').map((name) => {
    switch (name.trim()) {
      case 'none':
        return new NoopSpanProcessor();
      case 'console':
        return new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() });
      case 'otlp': {
        if (settings.protocol && settings.protocol !== 'http/protobuf') throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: "${settings.protocol}" is not supported, use http/protobuf (port 4318)`);
        const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
        return new BatchSpanProcessor({ exporter: new OTLPTraceExporter() });
      }
      default:
        throw new Error(`OTEL_TRACES_EXPORTER: "${name}" is not supported, use otlp, console or none`);
    }
  });
}

/**
 * W3C Trace Context that leaves a record's `traceparent` alone when it already has one: an outbox row carries the
 * context of the span that wrote it (its creation context), and the relay's Kafka send must not replace it with the
 * relay's own, or the consumer would continue the relay's trace instead of the agency call's.
 */
export class CreationContextPropagator implements TextMapPropagator {
  private readonly w3c = new W3CTraceContextPropagator();

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (typeof carrier === 'object' && carrier !== null && 'traceparent' in carrier) return;
    this.w3c.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: Parameters<TextMapPropagator['extract']>[2]): Context {
    return this.w3c.extract(context, carrier, getter);
  }

  fields(): string[] {
    return this.w3c.fields();
  }
}

/**
 * Records no span per Kafka record: the kafkajs instrumentation makes one for every record sent (`send`) and received
 * (`process`), thousands a second at the relay and the router, while regsync's own spans say the same per relay
 * transaction (linked to its records' writes) and per handler call. Its span per fetched batch (`poll`) stays; every
 * other span is sampled as OpenTelemetry's default does (parent-based, always on at the root).
 */
export class PerRecordKafkaSpansOff implements Sampler {
  private readonly fallback = new ParentBasedSampler({ root: new AlwaysOnSampler() });

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const operation = attributes['messaging.operation.type'];
    if (operation === 'send' || operation === 'process') return { decision: SamplingDecision.NOT_RECORD };
    return this.fallback.shouldSample(context, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return 'PerRecordKafkaSpansOff';
  }
}

/**
 * Starts OpenTelemetry's tracing with the http, pg and kafkajs instrumentations. Must run before those modules are
 * required: every service's main.ts imports `start-telemetry` first. Metrics stay with prom-client (/metrics), logs on
 * stdout. Returns the tracer provider (its shutdown flushes what is buffered).
 */
export function startTracing(options: TracingOptions): TracerProvider {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': options.serviceName, ...(options.instance ? { 'regsync.instance': options.instance } : {}) }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({ resource, sampler: new PerRecordKafkaSpansOff(), spanProcessors: options.spanProcessors ?? exportersOf({}) });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new CreationContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? '') }),
      // Without a parent span a query is the relay's or the consumer's polling: no trace of its own for each.
      new PgInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
  });
  return provider;
}

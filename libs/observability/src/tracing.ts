import { Attributes, Context, Link, SpanKind, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOnSampler, NoopSpanProcessor, ParentBasedSampler, Sampler, SamplingDecision, SamplingResult, SpanProcessor } from '@opentelemetry/sdk-trace';

export interface TracingOptions {
  /** `service.name`, e.g. `municipal-register`. */
  serviceName: string;
  /** The instance key the process serves (`regsync.instance`), e.g. `03404000`. */
  instance?: string;
  /**
   * Where finished spans go. Default: from the standard OTEL_* variables when OTEL_TRACES_EXPORTER names an exporter
   * (otlp, console, zipkin), else nowhere; spans are made either way, so every event still carries a traceparent.
   */
  spanProcessors?: SpanProcessor[];
  /** OTEL_TRACES_EXPORTER as set in the environment. */
  tracesExporter?: string;
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
 * Starts OpenTelemetry with the http, pg and kafkajs instrumentations. Must run before those modules are required:
 * every app's main.ts imports `start-tracing` first. Metrics stay with prom-client (/metrics), logs on stdout.
 */
export function startTracing(options: TracingOptions): NodeSDK {
  const exporting = options.tracesExporter !== undefined && options.tracesExporter !== 'none';
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    resource: defaultResource().merge(resourceFromAttributes(options.instance ? { 'regsync.instance': options.instance } : {})),
    textMapPropagator: new CreationContextPropagator(),
    sampler: new PerRecordKafkaSpansOff(),
    // undefined: the SDK builds the exporters OTEL_TRACES_EXPORTER names, with the OTLP endpoint and protocol variables.
    spanProcessors: options.spanProcessors ?? (exporting ? undefined : [new NoopSpanProcessor()]),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? '') }),
      // Without a parent span a query is the relay's or the consumer's polling: no trace of its own for each.
      new PgInstrumentation({ requireParentSpan: true }),
      new KafkaJsInstrumentation(),
    ],
  });
  sdk.start();
  return sdk;
}

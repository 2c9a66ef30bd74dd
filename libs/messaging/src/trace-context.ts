import { Context, Link, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, TextMapGetter, context, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { IHeaders } from 'kafkajs';
import { headerText } from '@regsync/contracts/topics';

/** The wire format of every event's trace context: the W3C `traceparent` (and `tracestate`) Kafka header. */
const propagator = new W3CTraceContextPropagator();
const tracer = trace.getTracer('@regsync/messaging');

const kafkaHeaderGetter: TextMapGetter<IHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headerText(headers[key]),
};

/** The trace context a record's headers carry (ROOT_CONTEXT when they carry none). */
export function traceContextOf(headers: IHeaders): Context {
  return propagator.extract(ROOT_CONTEXT, headers, kafkaHeaderGetter);
}

/** The active span's context as headers (`traceparent`), to be stored with an outbox row; none without an active span. */
export function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagator.inject(context.active(), headers, { set: (carrier, key, value) => (carrier[key] = value) });
  return headers;
}

export interface TracedWork {
  name: string;
  kind: SpanKind;
  /** Parent of the span (default: the active context). */
  parent?: Context;
  /** The records' creation contexts a batch span continues besides its parent (beyond the SDK's link limit, dropped). */
  links?: readonly Context[];
  attributes?: Record<string, string | number>;
}

/** Runs `work` in a new span of regsync's messaging, which ends with it and records its failure. */
export async function inSpan<T>(spec: TracedWork, work: (span: Span) => Promise<T>): Promise<T> {
  const links = linksOf(spec.links ?? []);
  return tracer.startActiveSpan(spec.name, { kind: spec.kind, attributes: spec.attributes, links }, spec.parent ?? context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** One link per distinct span context: the events of one request share theirs. */
function linksOf(contexts: readonly Context[]): Link[] {
  const links = new Map<string, Link>();
  for (const linked of contexts) {
    const spanContext = trace.getSpanContext(linked);
    if (spanContext && !links.has(spanContext.spanId)) links.set(spanContext.spanId, { context: spanContext });
  }
  return [...links.values()];
}

import { ConsoleLogger } from '@nestjs/common';
import { isSpanContextValid, trace } from '@opentelemetry/api';

/** Nest's JSON log lines, each with the service, its instance and, inside a span, the trace and span id. */
export class JsonLogger extends ConsoleLogger {
  constructor(private readonly source: { service: string; instance?: string }) {
    super({ json: true });
  }

  protected override getJsonLogObject(message: unknown, options: Parameters<ConsoleLogger['getJsonLogObject']>[1]) {
    const spanContext = trace.getActiveSpan()?.spanContext();
    const traced = spanContext && isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
    return { ...super.getJsonLogObject(message, options), service: this.source.service, instance: this.source.instance, ...traced };
  }
}

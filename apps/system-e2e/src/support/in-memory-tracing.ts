import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import * as http from 'node:http';
import { startTracing } from '@regsync/observability/telemetry';

/** Tracing as start-telemetry starts it in main.ts, its spans kept in memory for the test to read. */
export const spanExporter = new InMemorySpanExporter();
export const tracingProvider = startTracing({ serviceName: 'regsync-test', spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })] });

// Jest loads modules through its own registry, which the SDK's require hook never sees: patch http by hand, as the
// hook does in a service, so the agency call's traceparent reaches the municipal instance.
for (const definition of new HttpInstrumentation().getModuleDefinitions()) if (definition.name === 'http') definition.patch?.(http);

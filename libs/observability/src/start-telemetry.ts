import { Logger } from '@nestjs/common';
import { JsonLogger } from './json-logger';
import { exportersOf, startTracing } from './tracing';

/**
 * Imported first by every service's main.ts: OpenTelemetry patches http, pg and kafkajs before anything requires
 * them, and every log line (Nest's, kafkajs') is JSON with the trace id. OpenTelemetry's standard variables configure
 * the export (README: Logs and traces); the service is named by OTEL_SERVICE_NAME, else by its app folder.
 */
const service = process.env.OTEL_SERVICE_NAME ?? /apps[\\/]([^\\/]+)[\\/]src[\\/]main\.js$/.exec(process.argv[1] ?? '')?.[1] ?? 'regsync';
const instance = process.env.INSTANCE_KEY;
Logger.overrideLogger(new JsonLogger({ service, instance }));
if (process.env.OTEL_SDK_DISABLED !== 'true') {
  const spanProcessors = exportersOf({ exporter: process.env.OTEL_TRACES_EXPORTER, protocol: process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL });
  const provider = startTracing({ serviceName: service, instance, spanProcessors });
  // Beside Nest's shutdown hooks (startService enables them in every service): buffered spans go out while it drains.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void provider.shutdown());
}

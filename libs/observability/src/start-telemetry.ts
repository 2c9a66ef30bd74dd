import { Logger } from '@nestjs/common';
import { JsonLogger } from './json-logger';
import { startTracing } from './tracing';

/**
 * Imported first by every service's main.ts: OpenTelemetry patches http, pg and kafkajs before anything requires
 * them, and every log line (Nest's, kafkajs') is JSON with the trace id. OTel's own variables configure the export
 * (docs in the README); the service is named by OTEL_SERVICE_NAME, else by its app folder (`apps/<name>/src/main.js`).
 */
const service = process.env.OTEL_SERVICE_NAME ?? /apps[\\/]([^\\/]+)[\\/]src[\\/]main\.js$/.exec(process.argv[1] ?? '')?.[1] ?? 'regsync';
const instance = process.env.INSTANCE_KEY;
const sdk = startTracing({ serviceName: service, instance, tracesExporter: process.env.OTEL_TRACES_EXPORTER });
Logger.overrideLogger(new JsonLogger({ service, instance }));

// Beside Nest's shutdown hooks (startService enables them in every service): buffered spans go out while it drains.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void sdk.shutdown());

// First: OpenTelemetry patches http, pg and kafkajs before anything below requires them; logs become JSON.
import '@regsync/observability/start-telemetry';
import 'reflect-metadata';
import { exitOnStartupError } from '@regsync/service-runtime/service-startup';
import { loadOpsDashboardConfig } from './config';
import { startOpsDashboard } from './start-ops-dashboard';

async function main(): Promise<void> {
  await startOpsDashboard(loadOpsDashboardConfig());
}

main().catch(exitOnStartupError);

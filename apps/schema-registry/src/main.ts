// First: OpenTelemetry patches http, pg and kafkajs before anything below requires them; logs become JSON.
import '@regsync/observability/start-telemetry';
import 'reflect-metadata';
import { exitOnStartupError } from '@regsync/service-runtime/exit-on-startup-error';
import { loadSchemaRegistryConfig } from './config';
import { startSchemaRegistry } from './start-schema-registry';

startSchemaRegistry(loadSchemaRegistryConfig()).catch(exitOnStartupError);

// First: OpenTelemetry patches http, pg and kafkajs before anything below requires them; logs become JSON.
import '@regsync/observability/start-telemetry';
import 'reflect-metadata';
import { loadSchemaRegistryConfig } from '@regsync/schema-registry/registry-config';
import { startSchemaRegistry } from '@regsync/schema-registry/start-schema-registry';
import { exitOnStartupError } from '@regsync/service-runtime/service-startup';

startSchemaRegistry(loadSchemaRegistryConfig()).catch(exitOnStartupError);

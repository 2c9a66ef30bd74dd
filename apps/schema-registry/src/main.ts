import 'reflect-metadata';
import { exitOnStartupError } from '@regsync/service-runtime/exit-on-startup-error';
import { loadSchemaRegistryConfig } from './config';
import { startSchemaRegistry } from './start-schema-registry';

startSchemaRegistry(loadSchemaRegistryConfig()).catch(exitOnStartupError);

import { INestApplication } from '@nestjs/common';
import { CONFLUENT_REQUEST_MEDIA_TYPES } from './confluent-media-type.middleware';
import { REGISTRY_WRITER_SCHEME, REGISTRY_WRITER_SECURITY } from './registry-auth.guard';
import { confluentErrorMiddleware, RegistryErrorFilter } from './registry-error.filter';
import { startService } from '@regsync/service-runtime/service-startup';
import { SchemaRegistryConfig } from './registry-config';
import { SchemaRegistryAppModule } from './schema-registry-app.module';

/** Starts the registry's HTTP API (Confluent's paths, plus /health); main.ts and the tests start it the same way. */
export function startSchemaRegistry(config: SchemaRegistryConfig): Promise<INestApplication> {
  return startService(SchemaRegistryAppModule.forRoot(config), {
    title: 'schema-registry',
    host: config.HOST,
    port: config.PORT,
    jsonMediaTypes: CONFLUENT_REQUEST_MEDIA_TYPES,
    // Event schemas with the embedded envelope run to a few kilobytes; leave room for large ones.
    bodyLimit: '1mb',
    // Confluent's error bodies everywhere, also for unknown paths and malformed JSON: its clients read error_code.
    errorAnswers: { filter: new RegistryErrorFilter(), middleware: confluentErrorMiddleware },
    securitySchemes: { [REGISTRY_WRITER_SCHEME]: REGISTRY_WRITER_SECURITY },
  });
}

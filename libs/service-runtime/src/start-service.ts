import { DynamicModule, ExceptionFilter, INestApplication, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomTransportStrategy } from '@nestjs/microservices';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SecuritySchemeObject, SwaggerModule } from '@nestjs/swagger';
import type { ErrorRequestHandler } from 'express';
import { HttpErrorFilter, httpErrorMiddleware } from './http-error.filter';
import { AGENCY_API_KEY_SCHEME, withErrorResponses } from './openapi-document';

export interface StartServiceOptions {
  /** e.g. `municipal-register 03404000`: names the OpenAPI document and the start-up log line. */
  title: string;
  host: string;
  port: number;
  /** The Kafka consumer, connected as a NestJS microservice beside the HTTP API; a class is taken from the app's container. */
  transport?: CustomTransportStrategy | Type<CustomTransportStrategy>;
  /** Largest accepted request body; larger ones are refused with 413. */
  bodyLimit?: string;
  /** Media types besides `application/json` whose bodies are parsed as JSON (e.g. `application/vnd.schemaregistry.v1+json`). */
  jsonMediaTypes?: string[];
  /** How errors are answered, in controllers and before them (body parser); default regsync's HttpError mapping. */
  errorAnswers?: { filter: ExceptionFilter; middleware: ErrorRequestHandler };
  /** Security schemes the service's operations name besides the agency API key (e.g. the registry's basic auth). */
  securitySchemes?: Record<string, SecuritySchemeObject>;
}

/**
 * Starts one service instance: HTTP API with OpenAPI at /openapi.json, the Kafka consumer, graceful shutdown.
 * The HTTP server listens as soon as the modules are built, so liveness (/health/live) answers while the broker,
 * the registry and the consumer are still starting; readiness (/health) names each of them until all are up.
 * Resolves once the consumer has started.
 */
export async function startService(rootModule: Type<unknown> | DynamicModule, options: StartServiceOptions): Promise<INestApplication> {
  const started = Date.now();
  const logger = new Logger('start-up');
  const app = await NestFactory.create<NestExpressApplication>(rootModule, { bufferLogs: false, bodyParser: false });
  app.useBodyParser('json', { limit: options.bodyLimit ?? '64kb', type: ['application/json', ...(options.jsonMediaTypes ?? [])] });
  // Body parser errors (413, malformed JSON) happen before any controller, so Nest's filters never see them.
  app.use(options.errorAnswers?.middleware ?? httpErrorMiddleware);
  app.useGlobalFilters(options.errorAnswers?.filter ?? new HttpErrorFilter());
  // SIGTERM/SIGINT close the consumer first (draining its batch), then the modules, then the database.
  app.enableShutdownHooks();

  const documentBuilder = new DocumentBuilder()
    .setTitle(`regsync ${options.title}`)
    // Relative: the instance that serves this document, whichever address or proxy it was fetched through.
    .addServer('/', 'this instance')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key', description: 'the API key this instance configured for your agency (AGENCY_API_KEYS)' }, AGENCY_API_KEY_SCHEME);
  for (const [name, scheme] of Object.entries(options.securitySchemes ?? {})) documentBuilder.addSecurity(name, scheme);
  const documentConfig = documentBuilder.build();
  const document = withErrorResponses(SwaggerModule.createDocument(app, documentConfig));
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });

  if (options.transport) {
    const strategy = typeof options.transport === 'function' ? app.get(options.transport) : options.transport;
    app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  }
  await app.listen(options.port, options.host);
  logger.log(`${options.title} listening on ${await app.getUrl()} after ${Date.now() - started} ms (readiness: /health)`);
  if (options.transport) {
    await app.startAllMicroservices();
    logger.log(`${options.title} consumer started after ${Date.now() - started} ms`);
  }
  return app;
}

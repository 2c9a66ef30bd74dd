import { DynamicModule, INestMicroservice, LogLevel, Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, NestFactory } from '@nestjs/core';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { AuthorityDatabase } from '@regsync/persistence/authority-scope';
import { EventHandlers } from '@regsync/messaging/replay-support';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, MessagingOptions, MessagingStartup } from '@regsync/messaging/register-messaging';
import { ReplayHandlersServer } from './replay-handlers.server';

/** A register instance booted inside the replay tool: its database (migrated), codec, Kafka client, admit and handlers. */
export interface ReplayTarget {
  app: INestMicroservice;
  dataSource: DataSource;
  database: AuthorityDatabase;
  codec: EventCodec;
  kafka: Kafka;
  messaging: MessagingOptions;
  handlers: ReplayHandlersServer;
  close(): Promise<void>;
}

/**
 * Boots a register app's root module as a Nest microservice whose only transport is a ReplayHandlersServer:
 * no HTTP server, no live consumer (RegsyncKafkaTransport is never connected), but the same migrations, `admit`
 * and handlers. The outbox relay runs as in the service, publishing what was pending before the replay.
 */
export async function bootReplayTarget(rootModule: DynamicModule | Type<unknown>, logger: LogLevel[] = ['error', 'warn']): Promise<ReplayTarget> {
  const handlers = new ReplayHandlersServer();
  const app = await NestFactory.createMicroservice(rootModule, { strategy: handlers, logger, abortOnError: false });
  await app.init();
  await app.get(MessagingStartup).ready();
  handlers.eventHandlers = EventHandlers.discover(app.get(DiscoveryService), app.get(MetadataScanner), handlers);
  return {
    app,
    handlers,
    dataSource: app.get(DataSource),
    database: app.get(AuthorityDatabase),
    codec: app.get(EventCodec),
    kafka: app.get<Kafka>(KAFKA_CLIENT),
    messaging: app.get<MessagingOptions>(MESSAGING_OPTIONS),
    close: () => app.close(),
  };
}

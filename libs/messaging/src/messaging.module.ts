import { BeforeApplicationShutdown, DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { outboxProgressTopicOf, relayIdOf } from '@regsync/contracts/topics';
import { HealthChecks } from '@regsync/service-runtime/service-startup';
import { OPS_API_KEYS, OpsApiKeyGuard } from '@regsync/observability/ops-api-key.guard';
import { HandlerFailureInterceptor } from './handler-failure.interceptor';
import { HeldSubjectsController } from './held-subjects.controller';
import { kafkaClient } from './kafka-client';
import { kafkajsLogCreator } from './kafkajs-log';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, MessagingOptions } from './messaging-options';
import { MessagingStartup } from './messaging-startup';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { OutboxWakeUp } from './outbox-wake-up';
import { RegsyncKafkaTransport } from './regsync-kafka.transport';

/**
 * Kafka for one service instance: the outbox and its relay, the consumer transport, topic creation and schema
 * registration at start (in the background, see MessagingStartup). Shuts down before the database
 * (beforeApplicationShutdown runs ahead of TypeORM's onApplicationShutdown).
 */
@Module({})
export class RegsyncMessagingModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RegsyncMessagingModule.name);

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly relay: OutboxRelay,
    private readonly transport: RegsyncKafkaTransport,
    private readonly startup: MessagingStartup,
    @Optional() private readonly healthChecks?: HealthChecks,
  ) {}

  static forRoot(options: MessagingOptions): DynamicModule {
    const opsEndpoint = Object.keys(options.opsApiKeys ?? {}).length > 0;
    return {
      module: RegsyncMessagingModule,
      global: true,
      imports: [DiscoveryModule],
      controllers: opsEndpoint ? [HeldSubjectsController] : [],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: KAFKA_CLIENT,
          useFactory: () => kafkaClient(options.kafka, { clientId: `regsync-${options.app}-${options.instanceKey}`, logLevel: logLevel.WARN, logCreator: kafkajsLogCreator }),
        },
        { provide: EventCodec, useFactory: () => EventCodec.unconnected(options.schemaRegistryUrl) },
        MessagingStartup,
        {
          provide: OutboxRelay,
          inject: [KAFKA_CLIENT, DataSource],
          useFactory: (kafka: Kafka, dataSource: DataSource) =>
            new OutboxRelay(kafka, {
              relayId: relayIdOf(options.app, options.instanceKey, options.namespace),
              progressTopic: outboxProgressTopicOf(options.app, options.instanceKey, options.namespace),
              database: pgConfigOf(dataSource),
              metrics: options.metrics,
            }),
        },
        { provide: OutboxWakeUp, inject: [DataSource, OutboxRelay], useFactory: (dataSource: DataSource, relay: OutboxRelay) => new OutboxWakeUp(dataSource, relay) },
        Outbox,
        RegsyncKafkaTransport,
        // Every @EventPattern handler runs through Nest's pipeline; this hands its original error back (see EventHandlers).
        { provide: APP_INTERCEPTOR, useClass: HandlerFailureInterceptor },
        ...(opsEndpoint ? [{ provide: OPS_API_KEYS, useValue: options.opsApiKeys }, OpsApiKeyGuard] : []),
      ],
      exports: [Outbox, RegsyncKafkaTransport, EventCodec, MessagingStartup, KAFKA_CLIENT, MESSAGING_OPTIONS],
    };
  }

  onApplicationBootstrap(): void {
    this.healthChecks?.register('outbox-relay', async () => this.relay.health());
    // A refusal (a topic that would lose records) also fails the consumer's start, which ends the process.
    void this.startup.ready().then(
      (ready) => ready && this.relay.start(),
      (error: Error) => this.logger.error(`messaging not started: ${error.message}`),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.startup.stop();
    await this.transport.close();
    await this.relay.stop();
    this.logger.log(`messaging of ${this.options.app} ${this.options.instanceKey} stopped`);
  }
}

function pgConfigOf(dataSource: DataSource) {
  const { url, host, port, username, password, database } = dataSource.options as PostgresConnectionOptions;
  return url ? { connectionString: url, application_name: 'regsync-outbox-relay' } : { host, port, user: username, password: typeof password === 'string' ? password : undefined, database, application_name: 'regsync-outbox-relay' };
}

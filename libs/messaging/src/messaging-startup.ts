import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { EventCodec } from '@regsync/contracts/event-encoding';
import { HealthChecks, StartupPhase } from '@regsync/service-runtime/service-startup';
import { ensureTopics } from './ensure-topics';
import { KAFKA_CLIENT, MESSAGING_OPTIONS, MessagingOptions } from './messaging-options';

/**
 * The part of a service's start that needs the broker and the schema registry: the topics exist, the schemas are
 * registered. It runs after the HTTP server listens, each step retried with backoff and shown in readiness
 * (`broker`, `schema-registry`), so a dependency that is slow or down delays readiness and says why, never the process.
 */
@Injectable()
export class MessagingStartup {
  private readonly logger = new Logger('start-up');
  private readonly topics = new StartupPhase('broker topics', this.logger, { attemptTimeoutMs: 30_000 });
  private readonly registry = new StartupPhase('schema registry', this.logger, { attemptTimeoutMs: 30_000 });
  private running?: Promise<boolean>;
  private stopping = false;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly codec: EventCodec,
    @Optional() healthChecks?: HealthChecks,
  ) {
    healthChecks?.register('broker', async () => this.topics.state());
    healthChecks?.register('schema-registry', async () => this.registry.state());
  }

  /** Starts the steps once; resolves true when both are done, false when the service stopped first. */
  ready(): Promise<boolean> {
    this.running ??= this.run();
    return this.running;
  }

  stop(): void {
    this.stopping = true;
  }

  private async run(): Promise<boolean> {
    const stopping = () => this.stopping;
    // Topics exist before the first append is relayed or the first handler subscribes.
    await this.topics.run((abandoned) => ensureTopics(this.kafka, this.options, undefined, abandoned), stopping);
    await this.registry.run(() => this.codec.register(), stopping);
    return !this.stopping;
  }
}

import { Body, Controller, DynamicModule, Get, HttpCode, Inject, Module, OnModuleInit, Post, UseGuards } from '@nestjs/common';
import { ClientKafka, ClientsModule, Transport } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { kafkaClientConfig } from '@regsync/messaging/broker';
import { databaseUrl } from '@regsync/persistence/databases';
import { formatCalendarDate } from '@regsync/register-domain/calendar-date';
import { DomainValidationError } from '@regsync/register-domain/validation-error';
import { AgencyApiKeyGuard, HOSTED_AUTHORITIES, CorrelationId, ZodBodyPipe } from '@regsync/service-runtime/agency-api';
import type { HostedAuthority } from '@regsync/service-runtime/agency-api';
import { baselineResidenceRequest, type BaselineResidenceRequest } from './baseline-residence.request';
import { BaselineResidentMigration1765000000000 } from './baseline-resident.migration';
import { upsertBaselineResident } from './baseline-resident-write';
import { baselineDatabaseOf, type BaselineProcessSpec, type ResidenceRegisteredJson } from './baseline-topology';

const EVENTS = Symbol('BASELINE_EVENTS');
const SPEC = Symbol('BASELINE_SPEC');

@Controller()
class BaselineResidencesController implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(EVENTS) private readonly events: ClientKafka,
    @Inject(SPEC) private readonly spec: BaselineProcessSpec,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.events.connect();
  }

  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Post('residences')
  @HttpCode(201)
  @UseGuards(AgencyApiKeyGuard)
  async registerResidence(@Body(new ZodBodyPipe(baselineResidenceRequest)) body: BaselineResidenceRequest, @CorrelationId() correlationId: string) {
    if (body.address.municipalityKey !== this.spec.instanceKey) {
      throw new DomainValidationError('address.municipalityKey', `must be this municipality (${this.spec.instanceKey})`);
    }
    const event: ResidenceRegisteredJson = {
      ...body,
      eventId: randomUUID(),
      correlationId,
      occurredAt: new Date().toISOString(),
      dateOfBirth: formatCalendarDate(body.dateOfBirth),
      movedInOn: formatCalendarDate(body.movedInOn),
    };
    await this.dataSource.transaction((manager) => upsertBaselineResident(manager, event));
    // Sent after the commit, without an outbox: a crash or a broker failure between the two keeps the row and loses the event.
    await lastValueFrom(this.events.emit(this.spec.topic, { key: event.idnr, value: event, headers: { 'x-correlation-id': correlationId } }));
    return { correlationId, eventId: event.eventId };
  }
}

/**
 * A municipality's Melderegister as a NestJS team builds it without regsync: TypeORM, the stock ClientKafka with the
 * idempotent producer and acks=all (kafkajs has no linger, and one request is one event, so there is nothing to batch).
 */
export function baselineMunicipalityModule(spec: BaselineProcessSpec): DynamicModule {
  @Module({})
  class BaselineMunicipalityModule {}
  return {
    module: BaselineMunicipalityModule,
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: databaseUrl(spec.databaseUrl, baselineDatabaseOf(spec, spec.namespace)),
        migrations: [BaselineResidentMigration1765000000000],
        migrationsRun: true,
        extra: { max: 10 },
      }),
      ClientsModule.register([
        {
          name: EVENTS,
          transport: Transport.KAFKA,
          options: {
            client: kafkaClientConfig(spec.kafka, { clientId: `${spec.namespace}-baseline-${spec.instanceKey}`, logLevel: logLevel.ERROR }),
            producer: { idempotent: true, allowAutoTopicCreation: false },
            send: { acks: -1 },
            producerOnlyMode: true,
          },
        },
      ]),
    ],
    controllers: [BaselineResidencesController],
    providers: [
      { provide: SPEC, useValue: spec },
      { provide: HOSTED_AUTHORITIES, useValue: [{ key: spec.instanceKey, agencies: { [`buergeramt-${spec.instanceKey}`]: spec.apiKey ?? '' }, readOnlyAgencies: [], blockExemptAgencies: [] }] satisfies HostedAuthority[] },
    ],
  };
}

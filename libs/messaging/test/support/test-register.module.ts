import { CallHandler, Controller, DynamicModule, ExecutionContext, Injectable, Module, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { runAsAuthority, AuthorityDatabase, isolateByAuthority, shareByAuthority, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { DeathRecorded, InformationBlockLifted, InformationBlockSet, MovedOut, NameChanged, RegsyncEvent, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { EventBatchPattern } from '../../src/event-batch-pattern';
import { EventRejectedError } from '../../src/event-rejected-error';
import { RegsyncMessagingModule } from '../../src/messaging.module';
import { messagingEntities, messagingMigrations } from '../../src/messaging-schema';
import { RegsyncBatchContext } from '../../src/regsync-batch-context';
import { RegsyncEventContext } from '../../src/regsync-event-context';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { KafkaConnection } from '@regsync/service-runtime/service-config';

export const TEST_APP = 'test-register';
export const TEST_INSTANCE_KEY = '03404000';

/** Runs a test body as the test register's authority, as the consumer and the API run their units of work. */
export function asTestInstance(test: () => Promise<void>): () => Promise<void> {
  return () => runAsAuthority(TEST_INSTANCE_KEY, test);
}

/** The authority database of a migrated test database, with the test register's role ensured. */
export async function testAuthorityDatabase(dataSource: DataSource, databaseName: string): Promise<AuthorityDatabase> {
  await ensureAuthorityRoles(dataSource, databaseName, [TEST_INSTANCE_KEY]);
  return new AuthorityDatabase(dataSource, databaseName);
}

export interface TestRegisterSettings {
  namespace: string;
  connection: KafkaConnection;
  databaseUrl: string;
  schemaRegistryUrl: string;
  metrics?: RegsyncMetrics;
  /** The topics it consumes (default: its delivery topic) and whether skipped versions are gaps there (default: no). */
  consumes?: readonly string[];
  detectGaps?: boolean;
  /** agency → API key for /ops/held-subjects. */
  opsApiKeys?: Record<string, string>;
}

export function testDatabaseName(namespace: string): string {
  return instanceDatabaseName('municipal', TEST_INSTANCE_KEY, namespace);
}

const APPLIED_TABLES = [
  { table: 'applied_events', primaryKey: ['seq'] },
  { table: 'applied_batches', primaryKey: ['seq'] },
  { table: 'register_repairs', primaryKey: ['family_name'] },
];

class AppliedEventsTable1760000200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table applied_events (
        seq bigserial primary key,
        event_id uuid not null,
        event_type text not null,
        subject_id text not null,
        subject_version bigint not null,
        traceparent text
      )`);
    await queryRunner.query('create table applied_batches (seq bigserial primary key, event_type text not null, size int not null)');
    // A family name listed here is no longer refused (the test's fix of a register, before it re-drives).
    await queryRunner.query('create table register_repairs (family_name text primary key)');
    // A register's tables: written by the handlers as the authority of their delivery topic.
    await isolateByAuthority(queryRunner, APPLIED_TABLES);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await shareByAuthority(queryRunner, APPLIED_TABLES);
    await queryRunner.query('drop table register_repairs');
    await queryRunner.query('drop table applied_batches');
    await queryRunner.query('drop table applied_events');
  }
}

/** Counts the calls it sees: a handler with an interceptor of its own must still go through Nest's pipeline. */
@Injectable()
export class CountingInterceptor implements NestInterceptor {
  static calls = 0;
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    CountingInterceptor.calls++;
    return next.handle();
  }
}

/** A register that records every event it applies, in order; family names steer failures in tests. */
@Controller()
class AppliedEventsController {
  @EventPattern('NameChanged')
  async onNameChanged(@Payload() event: NameChanged, @Ctx() context: RegsyncEventContext) {
    if (event.familyName === 'REJECTED') throw new EventRejectedError('not-authoritative', 'test: names come from the Standesamt only');
    if (event.familyName === 'FLAKY') throw new Error('test: a fault that never goes away');
    if (event.familyName.startsWith('REFUSED-UNTIL-REPAIRED') && !(await repaired(event.familyName, context))) throw new EventRejectedError('invalid', 'test: refused until the register is repaired');
    await record(event, context);
  }

  @EventPattern('MovedOut')
  onMovedOut(@Payload() event: MovedOut, @Ctx() context: RegsyncEventContext) {
    return record(event, context);
  }

  @EventPattern('InformationBlockSet')
  onBlockSet(@Payload() event: InformationBlockSet, @Ctx() context: RegsyncEventContext) {
    return record(event, context);
  }

  @EventPattern('InformationBlockLifted')
  onBlockLifted(@Payload() event: InformationBlockLifted, @Ctx() context: RegsyncEventContext) {
    return record(event, context);
  }

  // Parameters in the other order: Nest places them by their decorators.
  @EventPattern('DeathRecorded')
  @UseInterceptors(CountingInterceptor)
  onDeathRecorded(@Ctx() context: RegsyncEventContext, @Payload() event: DeathRecorded) {
    return record(event, context);
  }
}

/** A batch handler: all new ResidenceRegistered events of a run in one statement; one name fails the whole call. */
@Controller()
class ResidencesBatchController {
  @EventBatchPattern('ResidenceRegistered')
  async onResidencesRegistered(events: ResidenceRegistered[], context: RegsyncBatchContext) {
    if (events.some((event) => event.familyName === 'REJECTED')) throw new EventRejectedError('invalid', 'test: a rejected name in the batch');
    if (events.some((event) => event.familyName === 'FLAKY')) throw new Error('test: a fault that never goes away');
    await context.manager.query(
      `insert into applied_events (event_id, event_type, subject_id, subject_version, traceparent)
       select * from unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::text[])`,
      [
        events.map((event) => event.envelope.eventId),
        events.map((event) => event.envelope.eventType),
        events.map((event) => event.envelope.subject.id),
        events.map((event) => event.envelope.subjectVersion),
        context.events.map((eventContext) => eventContext.traceparent ?? null),
      ],
    );
    await context.manager.query('insert into applied_batches (event_type, size) values ($1, $2)', ['ResidenceRegistered', events.length]);
  }
}

async function repaired(familyName: string, context: RegsyncEventContext): Promise<boolean> {
  return ((await context.manager.query('select 1 from register_repairs where family_name = $1', [familyName])) as unknown[]).length > 0;
}

async function record(event: RegsyncEvent, context: RegsyncEventContext): Promise<void> {
  const { eventId, eventType, subject, subjectVersion } = event.envelope;
  await context.manager.query('insert into applied_events (event_id, event_type, subject_id, subject_version, traceparent) values ($1, $2, $3, $4, $5)', [
    eventId,
    eventType,
    subject.id,
    subjectVersion,
    context.traceparent ?? null,
  ]);
}

@Module({})
export class TestRegisterModule {
  static forRoot(settings: TestRegisterSettings): DynamicModule {
    return {
      module: TestRegisterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: TEST_APP,
          instanceKey: TEST_INSTANCE_KEY,
          serverUrl: settings.databaseUrl,
          databaseName: testDatabaseName(settings.namespace),
          entities: messagingEntities,
          migrations: [...messagingMigrations, AppliedEventsTable1760000200000],
        }),
        RegsyncMessagingModule.forRoot({
          app: TEST_APP,
          level: 'MUNICIPAL',
          instanceKey: TEST_INSTANCE_KEY,
          namespace: settings.namespace,
          kafka: settings.connection,
          schemaRegistryUrl: settings.schemaRegistryUrl,
          metrics: settings.metrics ?? new RegsyncMetrics(),
          consumes: settings.consumes,
          detectGaps: settings.detectGaps,
          opsApiKeys: settings.opsApiKeys,
          admit: (event) =>
            'familyName' in event && event.familyName === 'NOT-FOR-US'
              ? { kind: 'ignore' }
              : 'familyName' in event && event.familyName === 'FOREIGN'
                ? { kind: 'reject', code: 'not-authoritative', reason: 'test: admit rejects foreign names' }
                : { kind: 'apply', event },
        }),
      ],
      controllers: [AppliedEventsController, ResidencesBatchController],
    };
  }
}

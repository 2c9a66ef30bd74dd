import { Controller, DynamicModule, Module, Type } from '@nestjs/common';
import { RegsyncEvent, ResidenceRegistered } from '@regsync/contracts/generated/events';
import { transferAdmission } from '@regsync/data-protection/transfers';
import { Admission, RegsyncMessagingModule, messagingEntities, messagingMigrations, EventBatchPattern, RegsyncBatchContext } from '@regsync/messaging/register-messaging';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { authorityViolation } from '@regsync/register-domain/authorities';
import { ApplyMeter } from './apply-meter';
import { applyMoves } from './apply-move';
import { BenchApplyLog1732500000002, BenchResidentAuthorityKeys1732500000001, BenchResidentMigration1732500000000 } from './bench-resident.migration';
import { BenchSpec } from './bench-spec';
import { benchTopicOf } from './bench-topic';
import { DESTINATION_MUNICIPALITY } from './move-workload';

/**
 * The sender is a municipality (Dresden's Melderegister), the receiver a Land's mirror (Sachsen). On the direct layout
 * (the messaging bench) the receiver reads the sender's outgoing topic itself: outbox, relay and inbox, without the
 * router's hop. On the routed layout (the fault suite) a real router delivers, and the receiver reads its delivery
 * topic and admits what it gets as every recipient does.
 */
export const BENCH_ROLES = {
  producer: { app: 'municipal-register', level: 'MUNICIPAL', instanceKey: DESTINATION_MUNICIPALITY.municipalityKey },
  consumer: { app: 'state-register', level: 'STATE', instanceKey: '14' },
} as const;

/** Without a router, the receiver decides authority itself. */
function directAdmission(event: RegsyncEvent): Admission {
  const violation = authorityViolation(event.envelope.eventType, event.envelope.source, event as unknown as Record<string, unknown>);
  return violation ? { kind: 'reject', code: 'not-authoritative', reason: violation } : { kind: 'apply', event };
}

/** `logApplications`: also record each applied event in bench_apply_log (the fault suite's check by identity). */
function moveController(meter: ApplyMeter | undefined, logApplications: boolean): Type<unknown> {
  @Controller()
  class RegsyncMoveController {
    // Every new move of a chunk's run at once: the same row effect as (b)'s applyMove, in one statement.
    @EventBatchPattern('ResidenceRegistered')
    async onResidencesRegistered(events: ResidenceRegistered[], context: RegsyncBatchContext): Promise<void> {
      await applyMoves(context.manager, events);
      if (logApplications) {
        await context.manager.query('insert into bench_apply_log (event_id, idnr, subject_version) select * from unnest($1::uuid[], $2::varchar[], $3::bigint[])', [
          events.map((event) => event.envelope.eventId),
          events.map((event) => event.idnr),
          events.map((event) => event.envelope.subjectVersion),
        ]);
      }
      // Counted when the handler returns; the chunk's commit follows within the same batch.
      for (const event of events) meter?.record(event.envelope.occurredAt.getTime());
    }
  }
  return RegsyncMoveController;
}

/**
 * One side of the regsync pipeline (c), wired as the register services wire libs/messaging: TypeORM with the
 * messaging tables, RegsyncMessagingModule, and for the consumer an @EventBatchPattern handler in the inbox transaction.
 */
export function regsyncBenchModule(
  spec: Pick<BenchSpec, 'role' | 'databaseUrl' | 'namespace' | 'kafka' | 'schemaRegistryUrl'>,
  databaseName: string,
  meter?: ApplyMeter,
  layout: 'direct' | 'routed' = 'direct',
): DynamicModule {
  const role = BENCH_ROLES[spec.role];
  const receiving =
    layout === 'routed'
      ? { admit: transferAdmission(BENCH_ROLES.consumer.level) }
      : { admit: directAdmission, consumes: [benchTopicOf(spec.namespace)], detectGaps: true };
  @Module({})
  class RegsyncBenchModule {}
  return {
    module: RegsyncBenchModule,
    imports: [
      ServiceDatabaseModule.forRoot({
        service: role.app,
        instanceKey: role.instanceKey,
        serverUrl: spec.databaseUrl,
        databaseName,
        entities: messagingEntities,
        migrations: [...messagingMigrations, BenchResidentMigration1732500000000, BenchResidentAuthorityKeys1732500000001, BenchApplyLog1732500000002],
      }),
      RegsyncMessagingModule.forRoot({
        ...role,
        namespace: spec.namespace,
        kafka: spec.kafka,
        schemaRegistryUrl: spec.schemaRegistryUrl,
        metrics: new RegsyncMetrics(),
        ...receiving,
        consume: spec.role === 'consumer',
      }),
    ],
    controllers: spec.role === 'consumer' ? [moveController(meter, layout === 'routed')] : [],
  };
}

import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { ObservabilityModule, RegsyncMetrics } from '@regsync/observability/telemetry';
import { HealthChecks, ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { RedriveAuditController } from './audit/redrive-audit.controller';
import { RedriveAuditOutcome1765200000000, RedriveAuditRecord, RedriveAuditTable1765000000000, RedriveAuditTarget1765100000000 } from './audit/redrive-audit.entity';
import { RedriveAudit } from './audit/redrive-audit.service';
import { RepairAuditRecord, RepairAuditTable1765300000000 } from './audit/repair-audit.entity';
import { RepairAudit } from './audit/repair-audit.service';
import { DriftRepairController } from './repair/drift-repair.controller';
import { DriftRepairService } from './repair/drift-repair.service';
import { AuthController } from './auth/auth.controller';
import { DashboardSessionGuard } from './auth/dashboard-session.guard';
import { DashboardSessions } from './auth/dashboard-sessions';
import { OidcLogin } from './auth/oidc-login';
import { OpsDashboardConfig } from './config';
import { CorrelationController } from './correlation/correlation.controller';
import { PathsController } from './paths/paths.controller';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DriftController } from './drift/drift.controller';
import { DriftService } from './drift/drift.service';
import { HeldSubjectsController } from './held/held-subjects.controller';
import { HeldSubjectsService } from './held/held-subjects.service';
import { InstanceHealthService } from './instances/instance-health.service';
import { InstancesController } from './instances/instances.controller';
import { KafkaConnection } from './kafka/kafka-connection';
import { TopicTailService } from './kafka/topic-tail.service';
import { ConsumerLagService } from './lag/consumer-lag.service';
import { LagController } from './lag/lag.controller';
import { DashboardPageController } from './page/dashboard-page.controller';
import { ChartAssetsController } from './page/chart-assets.controller';
import { HistoryController } from './history/history.controller';
import { AlertsController } from './alerts/alerts.controller';
import { PrometheusAlerts } from './alerts/prometheus-alerts.service';
import { MetricHistoryService } from './history/metric-history.service';
import { InstanceMetricsService } from './throughput/instance-metrics.service';
import { ThroughputController } from './throughput/throughput.controller';
import { loadDashboardTopology } from './topology/dashboard-topology';
import { WATCHED_INSTANCES } from './topology/watched-instances.token';
import { kafkaConnectionOf } from '@regsync/service-runtime/service-config';

@Module({})
export class OpsDashboardModule implements OnModuleInit {
  constructor(
    @Inject(HealthChecks) private readonly healthChecks: HealthChecks,
    private readonly connection: KafkaConnection,
    private readonly tail: TopicTailService,
  ) {}

  static forRoot(config: OpsDashboardConfig): DynamicModule {
    const metrics = new RegsyncMetrics({ service: 'ops-dashboard', instance: 'ops' });
    const connection = new KafkaConnection(kafkaConnectionOf(config), config.NAMESPACE);
    return {
      module: OpsDashboardModule,
      imports: [
        ObservabilityModule.forRoot({ metrics }),
        // the audit of re-drives and repairs (who, when, what); its health check joins /health
        ServiceDatabaseModule.forRoot({
          service: 'ops-dashboard',
          instanceKey: 'ops',
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('ops_dashboard', undefined, config.NAMESPACE),
          entities: [RedriveAuditRecord, RepairAuditRecord],
          migrations: [RedriveAuditTable1765000000000, RedriveAuditTarget1765100000000, RedriveAuditOutcome1765200000000, RepairAuditTable1765300000000],
        }),
      ],
      controllers: [AuthController, DashboardPageController, InstancesController, LagController, ThroughputController, DeadLettersController, DriftController, HeldSubjectsController, CorrelationController, PathsController, RedriveAuditController, DriftRepairController, HistoryController, AlertsController, ChartAssetsController],
      providers: [
        { provide: OidcLogin, useValue: new OidcLogin(config) },
        { provide: DashboardSessions, useValue: new DashboardSessions(config.SESSION_MINUTES * 60_000, new URL(config.OIDC_REDIRECT_URL).protocol === 'https:') },
        DashboardSessionGuard,
        RedriveAudit,
        RepairAudit,
        DriftRepairService,
        { provide: WATCHED_INSTANCES, useValue: loadDashboardTopology(config.TOPOLOGY, config.TOPOLOGY_PORT_OFFSET, config.NAMESPACE) },
        { provide: KafkaConnection, useValue: connection },
        { provide: TopicTailService, useFactory: () => new TopicTailService(connection, config.SCHEMA_REGISTRY_URL, config.CORRELATION_INDEX_LIMIT, metrics) },
        InstanceHealthService,
        ConsumerLagService,
        InstanceMetricsService,
        DriftService,
        HeldSubjectsService,
        MetricHistoryService,
        { provide: PrometheusAlerts, useValue: new PrometheusAlerts(config.PROMETHEUS_URL) },
      ],
    };
  }

  onModuleInit(): void {
    this.healthChecks.register('kafka', async () => {
      const admin = await this.connection.adminClient();
      const cluster = await admin.describeCluster();
      return { healthy: true, detail: `${cluster.brokers.length} broker(s)` };
    });
    this.healthChecks.register('topic-reader', async () => ({ healthy: this.tail.lastError === undefined, detail: this.tail.lastError ?? `${this.tail.indexedEvents} events indexed` }));
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { APP_OF_LEVEL, ROUTER_APP, deliveryTopicOf, outgoingTopicOf, providerIndexOf, stateTopicOf } from '@regsync/contracts/topics';
import { DeliveryRoutingModule, routerAdmission, deliveredVersionsMigrations, recipientStateMigrations, subjectHoldingsMigrations, deliveryKeysMigrations } from '@regsync/data-protection/delivery-routing';
import { RetentionModule } from '@regsync/data-protection/retention-and-erasure';
import { RegsyncMessagingModule, messagingEntities, messagingMigrations } from '@regsync/messaging/register-messaging';
import { ObservabilityModule, RegsyncMetrics } from '@regsync/observability/telemetry';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { kafkaConnectionOf } from '@regsync/service-runtime/service-config';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { RouterConfig } from './config';

/** Every migration of a router database. */
export const routerMigrations = [...messagingMigrations, ...subjectHoldingsMigrations, ...deliveredVersionsMigrations, ...recipientStateMigrations, ...deliveryKeysMigrations];

/** The router: reads every outgoing topic of the topology and delivers each event to its legal recipients only. */
@Module({})
export class RouterModule {
  static forRoot(config: RouterConfig): DynamicModule {
    const metrics = new RegsyncMetrics({ service: 'router', instance: config.INSTANCE_KEY });
    const instances = config.ROUTED_INSTANCES;
    const hostings = instances.map(({ level, instanceKey, provider }) => ({ app: APP_OF_LEVEL[level], authority: instanceKey, provider }));
    // One outgoing and one delivery topic per provider process, whatever the number of authorities it hosts.
    const topicsOf = (topicOf: typeof outgoingTopicOf) => [...new Set(hostings.map(({ app, provider }) => topicOf(app, provider, config.NAMESPACE)))];
    return {
      module: RouterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'router',
          poolSize: config.DATABASE_POOL_SIZE,
          instanceKey: config.INSTANCE_KEY,
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('router', config.INSTANCE_KEY, config.NAMESPACE),
          entities: [...messagingEntities],
          migrations: routerMigrations,
        }),
        ObservabilityModule.forRoot({ metrics }),
        RegsyncMessagingModule.forRoot({
          app: ROUTER_APP,
          instanceKey: config.INSTANCE_KEY,
          namespace: config.NAMESPACE,
          kafka: kafkaConnectionOf(config),
          schemaRegistryUrl: config.SCHEMA_REGISTRY_URL,
          metrics,
          admit: routerAdmission(config.NAMESPACE, providerIndexOf(hostings)),
          // Its retry topic comes on top: its dead letters, re-driven by an operator (libs/messaging/src/dead-letters.ts).
          consumes: topicsOf(outgoingTopicOf),
          delivers: [...topicsOf(deliveryTopicOf), ...topicsOf(stateTopicOf)],
          // The router sees every version a sender writes, so a skipped one is a gap: its successors are held.
          detectGaps: true,
          opsApiKeys: config.OPS_API_KEYS,
        }),
        DeliveryRoutingModule.forRoot({ topology: { instances: instances.map(({ level, instanceKey }) => ({ level, instanceKey })) }, providerOf: providerIndexOf(hostings), namespace: config.NAMESPACE, deliveryKeySecret: config.SUBJECT_KEY_SECRET }),
        RetentionModule.forRoot({}, { deliveryKeys: true }),
      ],
    };
  }
}

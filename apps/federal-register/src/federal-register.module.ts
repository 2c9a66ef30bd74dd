import { DynamicModule, Module } from '@nestjs/common';
import { transferAdmission, transferLogEntities, transferLogMigrations, TransferLogModule } from '@regsync/data-protection/transfers';
import { PersonErasureModule, RetentionModule } from '@regsync/data-protection/retention-and-erasure';
import { RegsyncMessagingModule, messagingEntities, messagingMigrations } from '@regsync/messaging/register-messaging';
import { ObservabilityModule, RegsyncMetrics } from '@regsync/observability/telemetry';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { FEDERAL_INSTANCE_KEY } from '@regsync/register-domain/authorities';
import { AgencyAuthModule, actingAgencyKeysOf, hostedAuthoritiesOf } from '@regsync/service-runtime/agency-api';
import { kafkaConnectionOf } from '@regsync/service-runtime/service-config';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { wiringOf } from '@regsync/data-protection/register-capability';
import { informationBlockMigrations } from '@regsync/data-protection/information-block-handling';
import { baseDataCapability } from './base-data/base-data.module';
import { CockpitModule } from './cockpit/cockpit.module';
import { FederalConfig } from './config';
import { FederalAuthorityKeys1760000830000 } from './federal-authority-keys.migration';
import { IdnrModule } from './idnr/idnr.module';

/** The capabilities that wire themselves (register-capability.ts): module, tables, migrations, drift sources. */
export const federalCapabilities = wiringOf([baseDataCapability]);

/** Every migration of the federal database. */
export const federalMigrations = [...messagingMigrations, ...transferLogMigrations, ...federalCapabilities.migrations, ...informationBlockMigrations, FederalAuthorityKeys1760000830000];

/** The federal level: IdNr assignment and base data (BZSt), and the citizen's cockpit. */
@Module({})
export class FederalRegisterModule {
  static forRoot(config: FederalConfig): DynamicModule {
    const instance = { level: 'FEDERAL' as const, instanceKey: FEDERAL_INSTANCE_KEY };
    const metrics = new RegsyncMetrics({ service: 'federal-register', instance: FEDERAL_INSTANCE_KEY });
    return {
      module: FederalRegisterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'federal-register',
          poolSize: config.DATABASE_POOL_SIZE,
          instanceKey: FEDERAL_INSTANCE_KEY,
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('federal', FEDERAL_INSTANCE_KEY, config.NAMESPACE),
          entities: [...federalCapabilities.entities, ...messagingEntities, ...transferLogEntities],
          migrations: federalMigrations,
        }),
        AgencyAuthModule.forRoot(hostedAuthoritiesOf({ ...config, INSTANCE_KEY: FEDERAL_INSTANCE_KEY })),
        ObservabilityModule.forRoot({ metrics, opsApiKeys: config.AGENCY_API_KEYS, registers: federalCapabilities.drift(FEDERAL_INSTANCE_KEY) }),
        RegsyncMessagingModule.forRoot({
          app: 'federal-register',
          ...instance,
          namespace: config.NAMESPACE,
          kafka: kafkaConnectionOf(config),
          schemaRegistryUrl: config.SCHEMA_REGISTRY_URL,
          subjectKeySecret: config.SUBJECT_KEY_SECRET,
          metrics,
          opsApiKeys: actingAgencyKeysOf(config),
          admit: transferAdmission(instance.level),
        }),
        TransferLogModule.forRoot(),
        RetentionModule.forRoot({}, { subjectKeys: true }),
        PersonErasureModule.forRoot(),
        ...federalCapabilities.modules,
        IdnrModule,
        CockpitModule.forRoot(config.COCKPIT_PEERS),
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { serveMunicipalities } from '@regsync/register-domain/authorities';
import { transferAdmission, transferLogEntities, transferLogMigrations, TransferLogModule } from '@regsync/data-protection/transfers';
import { RegisterRestatementModule } from '@regsync/data-protection/register-restatements';
import { PersonErasureModule, RetentionModule } from '@regsync/data-protection/retention-and-erasure';
import { RegsyncMessagingModule, messagingEntities, messagingMigrations } from '@regsync/messaging/register-messaging';
import { ObservabilityModule, RegsyncMetrics } from '@regsync/observability/telemetry';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { AgencyAuthModule, actingAgencyKeysOf, hostedAuthoritiesOf } from '@regsync/service-runtime/agency-api';
import { IdempotencyModule, idempotencyMigrations } from '@regsync/service-runtime/request-idempotency';
import { kafkaConnectionOf } from '@regsync/service-runtime/service-config';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { wiringOf } from '@regsync/data-protection/register-capability';
import { informationBlockMigrations } from '@regsync/data-protection/information-block-handling';
import { propertyTaxRolls, StateConfig } from './config';
import { StateAuthorityKeys1760000820000 } from './state-authority-keys.migration';
import { parcelsCapability } from './parcels/parcels.module';
import { stateResidentsCapability } from './residents/state-residents.module';

/** The capabilities that wire themselves (register-capability.ts); `rolls`: the municipalities with a property-tax roll. */
export const stateCapabilities = (rolls: ReadonlySet<string>) => wiringOf([stateResidentsCapability, parcelsCapability(rolls)]);

/** Every migration of a state database; `capabilities` brings its own. */
export function stateMigrations(capabilities: ReturnType<typeof stateCapabilities>) {
  return [
    ...messagingMigrations,
    ...transferLogMigrations,
    ...capabilities.migrations,
    ...idempotencyMigrations,
    ...informationBlockMigrations,
    StateAuthorityKeys1760000820000,
  ];
}

/**
 * One Land, or the Länder a provider hosts in one process (AUTHORITIES): Landesmelderegister (residents mirror) and
 * Liegenschaftskataster (cadastre) of each, in one database, isolated by row-level security.
 */
@Module({})
export class StateRegisterModule {
  static forRoot(config: StateConfig): DynamicModule {
    const instance = { level: 'STATE' as const, instanceKey: config.INSTANCE_KEY };
    const metrics = new RegsyncMetrics({ service: 'state-register', instance: config.INSTANCE_KEY });
    const capabilities = stateCapabilities(propertyTaxRolls(config));
    const authorities = hostedAuthoritiesOf(config);
    serveMunicipalities(config.SERVED_MUNICIPALITIES ?? []);
    const authorityKeys = authorities.map((authority) => authority.key);
    return {
      module: StateRegisterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'state-register',
          poolSize: config.DATABASE_POOL_SIZE,
          instanceKey: config.INSTANCE_KEY,
          authorities: authorityKeys,
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('state', config.INSTANCE_KEY, config.NAMESPACE),
          entities: [...capabilities.entities, ...messagingEntities, ...transferLogEntities],
          migrations: stateMigrations(capabilities),
        }),
        AgencyAuthModule.forRoot(authorities),
        IdempotencyModule,
        ObservabilityModule.forRoot({ metrics, opsApiKeys: config.AGENCY_API_KEYS, registers: capabilities.drift(config.INSTANCE_KEY) }),
        RegsyncMessagingModule.forRoot({
          app: 'state-register',
          ...instance,
          authorities: authorityKeys,
          namespace: config.NAMESPACE,
          kafka: kafkaConnectionOf(config),
          schemaRegistryUrl: config.SCHEMA_REGISTRY_URL,
          subjectKeySecret: config.SUBJECT_KEY_SECRET,
          metrics,
          opsApiKeys: actingAgencyKeysOf(config),
          admit: transferAdmission(instance.level),
        }),
        TransferLogModule.forRoot(),
        RegisterRestatementModule.forRoot({ restatements: capabilities.restatements, opsApiKeys: config.AGENCY_API_KEYS }),
        RetentionModule.forRoot({}, { subjectKeys: true }),
        PersonErasureModule.forRoot({ restatements: capabilities.restatements }),
        ...capabilities.modules,
      ],
    };
  }
}

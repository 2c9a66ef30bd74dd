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
import { civilStatusCapability } from './civil-status/civil-status.module';
import { MunicipalConfig } from './config';
import { MunicipalAuthorityKeys1760000810000 } from './municipal-authority-keys.migration';
import { InformationBlockAuditTable1760000610000 } from './information-blocks/information-block-audit.migration';
import { InformationBlocksModule } from './information-blocks/information-blocks.module';
import { propertyTaxCapability } from './property-tax/property-tax.module';
import { secondaryResidencesCapability } from './secondary-residences/secondary-residences.module';
import { residentsCapability } from './residents/residents.module';

/** The capabilities that wire themselves (register-capability.ts): module, tables, migrations, drift sources. */
export const municipalCapabilities = wiringOf([residentsCapability, civilStatusCapability, propertyTaxCapability, secondaryResidencesCapability]);

/** Every migration of a municipal database; TypeORM runs them in timestamp order (the authority-keys step is listed last: a test runs all but it). */
export const municipalMigrations = [
  ...messagingMigrations,
  ...transferLogMigrations,
  ...municipalCapabilities.migrations,
  ...idempotencyMigrations,
  ...informationBlockMigrations,
  InformationBlockAuditTable1760000610000,
  MunicipalAuthorityKeys1760000810000,
];

/**
 * One municipality, or the municipalities an IT service provider hosts in one process (AUTHORITIES): Melderegister,
 * Personenstandsregister and Grundsteuer roll of each, in one database, isolated by row-level security.
 */
@Module({})
export class MunicipalRegisterModule {
  static forRoot(config: MunicipalConfig): DynamicModule {
    const instance = { level: 'MUNICIPAL' as const, instanceKey: config.INSTANCE_KEY };
    const metrics = new RegsyncMetrics({ service: 'municipal-register', instance: config.INSTANCE_KEY });
    const authorities = hostedAuthoritiesOf(config);
    serveMunicipalities(config.SERVED_MUNICIPALITIES ?? []);
    const authorityKeys = authorities.map((authority) => authority.key);
    return {
      module: MunicipalRegisterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'municipal-register',
          poolSize: config.DATABASE_POOL_SIZE,
          instanceKey: config.INSTANCE_KEY,
          authorities: authorityKeys,
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('municipal', config.INSTANCE_KEY, config.NAMESPACE),
          entities: [...municipalCapabilities.entities, ...messagingEntities, ...transferLogEntities],
          migrations: municipalMigrations,
        }),
        AgencyAuthModule.forRoot(authorities),
        IdempotencyModule,
        ObservabilityModule.forRoot({
          metrics,
          opsApiKeys: config.AGENCY_API_KEYS,
          registers: municipalCapabilities.drift(config.INSTANCE_KEY),
        }),
        RegsyncMessagingModule.forRoot({
          app: 'municipal-register',
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
        RegisterRestatementModule.forRoot({ restatements: municipalCapabilities.restatements, opsApiKeys: config.AGENCY_API_KEYS }),
        RetentionModule.forRoot({}, { subjectKeys: true }),
        PersonErasureModule.forRoot({ erasingAgencyKeys: actingAgencyKeysOf(config) }),
        InformationBlocksModule,
        ...municipalCapabilities.modules,
      ],
    };
  }
}

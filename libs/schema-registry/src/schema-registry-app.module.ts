import { DynamicModule, Module } from '@nestjs/common';
import { instanceDatabaseName } from '@regsync/persistence/databases';
import { SchemaRegistryModule, schemaRegistryEntities, schemaRegistryMigrations } from './schema-registry.module';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-startup';
import { SchemaRegistryConfig } from './registry-config';
import { AsyncApiController } from './asyncapi.controller';

/** The local schema registry, used when no production registry is configured; one database per namespace. Serves the AsyncAPI event catalogue too. */
@Module({})
export class SchemaRegistryAppModule {
  static forRoot(config: SchemaRegistryConfig): DynamicModule {
    return {
      module: SchemaRegistryAppModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'schema-registry',
          instanceKey: 'local',
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('schema_registry', undefined, config.NAMESPACE),
          entities: schemaRegistryEntities,
          migrations: schemaRegistryMigrations,
        }),
        SchemaRegistryModule.forRoot({ passwords: config.BASIC_AUTH_USERS, readOnly: config.READ_ONLY_USERS }),
      ],
      controllers: [AsyncApiController],
    };
  }
}

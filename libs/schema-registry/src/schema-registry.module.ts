import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CompatibilityConfigEntity } from './compatibility-config.entity';
import { CompatibilityController } from './compatibility.controller';
import { ConfigController } from './config.controller';
import { confluentMediaTypeMiddleware } from './confluent-media-type.middleware';
import { ModeController } from './mode.controller';
import { REGISTRY_USERS, RegistryAuthGuard } from './registry-auth.guard';
import { RegistryModeEntity } from './registry-mode.entity';
import { RegistryModes } from './registry-modes';
import { RegistrySchemaEntity } from './registry-schema.entity';
import { RegistryUsers } from './registry-users';
import { SchemaRegistryService } from './schema-registry.service';
import { SchemaRegistryModes1765000000000 } from './schema-registry-modes.migration';
import { SchemaRegistryTables1760000000000 } from './schema-registry-tables.migration';
import { SchemasController } from './schemas.controller';
import { SubjectVersionEntity } from './subject-version.entity';
import { SubjectsController } from './subjects.controller';

/** Pass to ServiceDatabaseModule: the registry's tables and the migrations that create them. */
export const schemaRegistryEntities = [RegistrySchemaEntity, SubjectVersionEntity, CompatibilityConfigEntity, RegistryModeEntity];
export const schemaRegistryMigrations = [SchemaRegistryTables1760000000000, SchemaRegistryModes1765000000000];

const controllers = [SubjectsController, SchemasController, CompatibilityController, ConfigController, ModeController];

/**
 * The subset of Confluent's Schema Registry REST API that @kafkajs/confluent-schema-registry, @confluentinc/schemaregistry
 * and standard Kafka tools use, for Avro schemas, persisted in PostgreSQL; writes need the basic-auth credentials of
 * one of `users`. Needs a TypeORM DataSource holding `schemaRegistryEntities`.
 */
@Module({})
export class SchemaRegistryModule implements NestModule {
  static forRoot(users: RegistryUsers): DynamicModule {
    return {
      module: SchemaRegistryModule,
      controllers,
      providers: [SchemaRegistryService, RegistryModes, RegistryAuthGuard, { provide: REGISTRY_USERS, useValue: users }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(confluentMediaTypeMiddleware).forRoutes(...controllers);
  }
}

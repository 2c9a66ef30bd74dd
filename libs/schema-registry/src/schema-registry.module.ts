import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CompatibilityConfigEntity } from './compatibility-config.entity';
import { CompatibilityController } from './compatibility.controller';
import { ConfigController } from './config.controller';
import { confluentMediaTypeMiddleware } from './confluent-media-type.middleware';
import { RegistrySchemaEntity } from './registry-schema.entity';
import { SchemaRegistryService } from './schema-registry.service';
import { SchemaRegistryTables1760000000000 } from './schema-registry-tables.migration';
import { SchemasController } from './schemas.controller';
import { SubjectVersionEntity } from './subject-version.entity';
import { SubjectsController } from './subjects.controller';

/** Pass to ServiceDatabaseModule: the registry's tables and the migrations that create them. */
export const schemaRegistryEntities = [RegistrySchemaEntity, SubjectVersionEntity, CompatibilityConfigEntity];
export const schemaRegistryMigrations = [SchemaRegistryTables1760000000000];

const controllers = [SubjectsController, SchemasController, CompatibilityController, ConfigController];

/**
 * The subset of Confluent's Schema Registry REST API that @kafkajs/confluent-schema-registry and standard Kafka
 * tools use, for Avro schemas, persisted in PostgreSQL. Needs a TypeORM DataSource holding `schemaRegistryEntities`.
 */
@Module({ controllers, providers: [SchemaRegistryService] })
export class SchemaRegistryModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(confluentMediaTypeMiddleware).forRoutes(...controllers);
  }
}

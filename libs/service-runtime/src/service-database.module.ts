import { DynamicModule, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, MixedList, EntitySchema } from 'typeorm';
import { AuthorityDatabase, ensureAuthorityRoles } from '@regsync/persistence/authority-scope';
import { ensureDatabase, databaseUrl } from '@regsync/persistence/databases';
import { HealthChecks } from './health-checks';
import { HealthController } from './health.controller';

export interface ServiceDatabaseOptions {
  service: string;
  instanceKey: string;
  /** The authorities this process hosts (default: `instanceKey` alone); each gets its database role at start. */
  authorities?: readonly string[];
  serverUrl: string;
  databaseName: string;
  /** The most connections of its pool (DATABASE_POOL_SIZE); default 10. */
  poolSize?: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/**
 * The database of one service instance (created if missing, schema by migrations, never `synchronize`), the roles of
 * the authorities it hosts (AuthorityDatabase: every unit of work of an authority runs as its role), plus the health
 * endpoint that checks it.
 */
@Module({})
export class ServiceDatabaseModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly healthChecks: HealthChecks,
  ) {}

  static forRoot(options: ServiceDatabaseOptions): DynamicModule {
    return {
      module: ServiceDatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(options.serverUrl, options.databaseName);
            return {
              type: 'postgres' as const,
              url: databaseUrl(options.serverUrl, options.databaseName),
              entities: options.entities,
              migrations: options.migrations,
              migrationsRun: true,
              migrationsTransactionMode: 'each' as const,
              synchronize: false,
              // regsync.instance_key: the authority that rows from before row-level security belong to (authority-isolation.ts).
              extra: { max: options.poolSize ?? 10, application_name: `regsync-${options.service}-${options.instanceKey}`, options: `-c regsync.instance_key=${options.instanceKey}` },
            };
          },
          dataSourceFactory: async (dataSourceOptions) => {
            const started = Date.now();
            const dataSource = await new DataSource(dataSourceOptions!).initialize();
            await ensureAuthorityRoles(dataSource, options.databaseName, options.authorities ?? [options.instanceKey]);
            new Logger('start-up').log(`database ${options.databaseName} connected, migrated and its authorities' roles ensured in ${Date.now() - started} ms`);
            return dataSource;
          },
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: HealthChecks, useValue: new HealthChecks(options.service, options.instanceKey) },
        { provide: AuthorityDatabase, inject: [DataSource], useFactory: (dataSource: DataSource) => new AuthorityDatabase(dataSource, options.databaseName) },
      ],
      exports: [HealthChecks, AuthorityDatabase],
    };
  }

  onModuleInit(): void {
    this.healthChecks.register('database', async () => {
      await this.dataSource.query('select 1');
      return { healthy: true };
    });
  }
}

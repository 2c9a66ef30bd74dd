import { DynamicModule, Module } from '@nestjs/common';
import { instanceDatabaseName } from '@regsync/persistence/database-url';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-database.module';
import { FederalConfig } from './config';

@Module({})
export class FederalRegisterModule {
  static forRoot(config: FederalConfig): DynamicModule {
    return {
      module: FederalRegisterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'federal-register',
          instanceKey: 'DE',
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('federal', 'DE', config.NAMESPACE),
          entities: [],
          migrations: [],
        }),
      ],
    };
  }
}

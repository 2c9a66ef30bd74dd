import { DynamicModule, Module } from '@nestjs/common';
import { instanceDatabaseName } from '@regsync/persistence/database-url';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-database.module';
import { StateConfig } from './config';

@Module({})
export class StateRegisterModule {
  static forRoot(config: StateConfig): DynamicModule {
    return {
      module: StateRegisterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'state-register',
          instanceKey: config.INSTANCE_KEY,
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('state', config.INSTANCE_KEY, config.NAMESPACE),
          entities: [],
          migrations: [],
        }),
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { instanceDatabaseName } from '@regsync/persistence/database-url';
import { ServiceDatabaseModule } from '@regsync/service-runtime/service-database.module';
import { MunicipalConfig } from './config';

@Module({})
export class MunicipalRegisterModule {
  static forRoot(config: MunicipalConfig): DynamicModule {
    return {
      module: MunicipalRegisterModule,
      imports: [
        ServiceDatabaseModule.forRoot({
          service: 'municipal-register',
          instanceKey: config.INSTANCE_KEY,
          serverUrl: config.DATABASE_URL,
          databaseName: instanceDatabaseName('municipal', config.INSTANCE_KEY, config.NAMESPACE),
          entities: [],
          migrations: [],
        }),
      ],
    };
  }
}

import { Controller, DynamicModule, Module, Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { databaseUrl } from '@regsync/persistence/databases';
import { BaselineResidentMigration1765000000000 } from './baseline-resident.migration';
import { upsertBaselineResident } from './baseline-resident-write';
import { baselineDatabaseOf, isRecipientOf, type BaselineProcessSpec, type ResidenceRegisteredJson } from './baseline-topology';

/**
 * A recipient (Land mirror or BZSt) as the NestJS docs show it: one @EventPattern per topic, one event per call, one
 * database transaction per event. Every recipient reads every Anmeldung and keeps those it is for; without an inbox
 * a redelivery (after a crash or a rebalance) applies the event again. A class per process because the pattern is
 * the namespaced topic.
 */
function recipientController(spec: BaselineProcessSpec): Type<unknown> {
  @Controller()
  class BaselineRecipientController {
    constructor(private readonly dataSource: DataSource) {}

    @EventPattern(spec.topic)
    async onResidenceRegistered(@Payload() event: ResidenceRegisteredJson): Promise<void> {
      if (!isRecipientOf(spec, event)) return;
      await this.dataSource.transaction((manager) => upsertBaselineResident(manager, event));
    }
  }
  return BaselineRecipientController;
}

export function baselineRecipientModule(spec: BaselineProcessSpec): DynamicModule {
  @Module({})
  class BaselineRecipientModule {}
  return {
    module: BaselineRecipientModule,
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: databaseUrl(spec.databaseUrl, baselineDatabaseOf(spec, spec.namespace)),
        migrations: [BaselineResidentMigration1765000000000],
        migrationsRun: true,
        // One connection per partition consumed at once.
        extra: { max: 6 },
      }),
    ],
    controllers: [recipientController(spec)],
  };
}

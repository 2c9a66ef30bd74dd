import { DynamicModule, Module } from '@nestjs/common';
import { PersonErasure } from '../erasure/person-erasure';
import { DeliveryRouterHandler, ROUTING_OPTIONS, RoutingOptions } from './delivery-router.handler';

/** The router's capability: its one event handler (the holdings table comes with subjectHoldingsMigrations). */
@Module({})
export class DeliveryRoutingModule {
  static forRoot(options: RoutingOptions): DynamicModule {
    return { module: DeliveryRoutingModule, controllers: [DeliveryRouterHandler], providers: [{ provide: ROUTING_OPTIONS, useValue: options }, PersonErasure] };
  }
}

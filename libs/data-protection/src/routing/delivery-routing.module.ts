import { DynamicModule, Module } from '@nestjs/common';
import { PersonErasure } from '../erasure/person-erasure';
import { DeliveryRouterHandler, ROUTING_OPTIONS, RoutingOptions } from './delivery-router.handler';

/**
 * The router's capability: its one event handler (the holdings table comes with subjectHoldingsMigrations); its
 * options also serve the router's retention job (delivery-key-retention.ts), which ends recipients' state records.
 */
@Module({})
export class DeliveryRoutingModule {
  static forRoot(options: RoutingOptions): DynamicModule {
    return {
      module: DeliveryRoutingModule,
      global: true,
      controllers: [DeliveryRouterHandler],
      providers: [{ provide: ROUTING_OPTIONS, useValue: options }, PersonErasure],
      exports: [ROUTING_OPTIONS],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { COCKPIT_PEERS, CockpitPeer, TransferCockpit } from '@regsync/data-protection/transfers';
import { CockpitController } from './cockpit.controller';

/** The citizen's data-protection cockpit: this instance's transfer log plus every peer's. */
@Module({})
export class CockpitModule {
  static forRoot(peers: CockpitPeer[]): DynamicModule {
    return {
      module: CockpitModule,
      controllers: [CockpitController],
      providers: [TransferCockpit, { provide: COCKPIT_PEERS, useValue: peers }],
    };
  }
}

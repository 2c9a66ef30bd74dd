import { Controller, Get } from '@nestjs/common';
import { ConsumerLagService, GroupLag } from './consumer-lag.service';

@Controller('api/lag')
export class LagController {
  constructor(private readonly lag: ConsumerLagService) {}

  @Get()
  groups(): Promise<GroupLag[]> {
    return this.lag.groups();
  }
}

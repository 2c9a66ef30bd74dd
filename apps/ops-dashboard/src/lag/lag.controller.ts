import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { ConsumerLagService, GroupLag } from './consumer-lag.service';

@Controller('api/lag')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class LagController {
  constructor(private readonly lag: ConsumerLagService) {}

  @Get()
  groups(): Promise<GroupLag[]> {
    return this.lag.groups();
  }
}

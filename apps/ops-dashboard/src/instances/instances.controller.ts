import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { InstanceHealth, InstanceHealthService } from './instance-health.service';

@Controller('api/instances')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class InstancesController {
  constructor(private readonly health: InstanceHealthService) {}

  @Get()
  instances(): Promise<InstanceHealth[]> {
    return this.health.all();
  }
}

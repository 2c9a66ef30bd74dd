import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { InstanceMetricsService, InstanceOutbox, InstanceThroughput } from './instance-metrics.service';

@Controller('api')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class ThroughputController {
  constructor(private readonly metrics: InstanceMetricsService) {}

  @Get('throughput')
  throughput(): Promise<InstanceThroughput[]> {
    return this.metrics.throughput();
  }

  @Get('outbox')
  outbox(): Promise<InstanceOutbox[]> {
    return this.metrics.outbox();
  }
}

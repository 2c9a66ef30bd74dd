import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { AlertsView, PrometheusAlerts } from './prometheus-alerts.service';

@Controller('api/alerts')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class AlertsController {
  constructor(private readonly alerts: PrometheusAlerts) {}

  @Get()
  @ApiOperation({ summary: 'The firing and pending alerts of the Prometheus at PROMETHEUS_URL (configured: false without one)' })
  current(): Promise<AlertsView> {
    return this.alerts.current();
  }
}

import { BadRequestException, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOperation, ApiQuery, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { HISTORY_WINDOWS, HistoryView, HistoryWindow, MetricHistoryService } from './metric-history.service';

@Controller('api/history')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class HistoryController {
  constructor(private readonly history: MetricHistoryService) {}

  @Get()
  @ApiOperation({ summary: "The charts over time (throughput, lag, outbox, dead letters, latency) from the dashboard's memory, one series per instance or group" })
  @ApiQuery({ name: 'window', enum: Object.keys(HISTORY_WINDOWS), required: false })
  @ApiBadRequestResponse({ description: 'window is not one of 15m, 1h, 6h, 24h' })
  charts(@Query('window') window = '15m'): HistoryView {
    if (!Object.hasOwn(HISTORY_WINDOWS, window)) throw new BadRequestException(`window: must be one of ${Object.keys(HISTORY_WINDOWS).join(', ')}`);
    return this.history.read(window as HistoryWindow);
  }
}

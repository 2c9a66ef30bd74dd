import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthChecks, HealthReport } from './health-checks';

@Controller('health')
export class HealthController {
  constructor(private readonly healthChecks: HealthChecks) {}

  /** Liveness: the process answers. */
  @Get('live')
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  /** Readiness: database, consumer and relay all work; 503 otherwise, so orchestrators stop routing. */
  @Get()
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.healthChecks.report();
    response.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

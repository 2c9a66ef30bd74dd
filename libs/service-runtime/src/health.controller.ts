import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { HealthChecks, HealthReport } from './health-checks';

const healthReportSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['up', 'down'] },
    service: { type: 'string' },
    instanceKey: { type: 'string' },
    checks: { type: 'object', additionalProperties: { type: 'object', properties: { healthy: { type: 'boolean' }, detail: { type: 'string' } } } },
  },
  example: { status: 'down', service: 'state-register', instanceKey: '14', checks: { database: { healthy: true }, broker: { healthy: false, detail: 'attempt 3 failed after 812 ms: connection refused; retrying' } } },
};

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
  @ApiOkResponse({ description: 'ready: every check healthy', schema: healthReportSchema })
  @ApiServiceUnavailableResponse({ description: 'not ready: the report names each dependency (database, broker, schema registry, consumer) and what it waits for', schema: healthReportSchema })
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.healthChecks.report();
    response.status(report.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

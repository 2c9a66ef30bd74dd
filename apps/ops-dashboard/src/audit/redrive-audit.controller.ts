import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { RedriveAudit, RedriveAuditEntry } from './redrive-audit.service';

@Controller('api/audit/redrives')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class RedriveAuditController {
  constructor(private readonly audit: RedriveAudit) {}

  /** The latest re-drives, newest first, each with the person who did it. */
  @Get()
  @ApiOkResponse({ description: 'who re-drove which dead letter when (subject and name from the ID token)' })
  latest(): Promise<RedriveAuditEntry[]> {
    return this.audit.latest();
  }
}

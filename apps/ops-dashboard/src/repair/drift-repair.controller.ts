import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOperation, ApiServiceUnavailableResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RepairAudit, RepairAuditEntry } from '../audit/repair-audit.service';
import { CurrentUser, DashboardSessionGuard, RequiresRole } from '../auth/dashboard-session.guard';
import { DashboardUser } from '../auth/dashboard-user';
import { DriftRepairService, RepairJobView } from './drift-repair.service';

@Controller('api')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class DriftRepairController {
  constructor(
    private readonly repairs: DriftRepairService,
    private readonly audit: RepairAudit,
  ) {}

  /** The latest repairs with progress and rate (counts only, no subject ids: every role sees them). */
  @Get('repairs')
  list(): RepairJobView[] {
    return this.repairs.list();
  }

  @Post('repairs')
  @HttpCode(202)
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Repairs the drift of one comparison (every drifting subject, or the given ones): the authoritative registers restate them through the routed path; operator role; audited' })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['dataset', 'replica'],
      properties: { dataset: { type: 'string' }, replica: { type: 'string' }, subjects: { type: 'array', items: { type: 'string' } } },
      example: { dataset: 'person.residence', replica: 'state-register 03', subjects: ['36574261809'] },
    },
  })
  @ApiAcceptedResponse({ description: 'started in the background: the repair with its progress' })
  @ApiForbiddenResponse({ description: 'the person lacks the operator role' })
  @ApiNotFoundResponse({ description: 'no such comparison' })
  @ApiConflictResponse({ description: 'nothing (of the given subjects) drifts' })
  @ApiServiceUnavailableResponse({ description: "the dashboard's audit log is not available: no repair started" })
  start(@Body() body: unknown, @CurrentUser() user: DashboardUser): Promise<RepairJobView> {
    return this.repairs.start(user, body);
  }

  @Post('repairs/:id/cancel')
  @HttpCode(200)
  @RequiresRole('operator')
  @ApiOperation({ summary: 'Stops a running repair after the restatement requests in flight; operator role' })
  cancel(@Param('id') id: string): RepairJobView {
    return this.repairs.cancel(id);
  }

  /** Who repaired what when, newest first (from the dashboard's database). */
  @Get('audit/repairs')
  latest(): Promise<RepairAuditEntry[]> {
    return this.audit.latest();
  }
}

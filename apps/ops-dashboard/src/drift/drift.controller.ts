import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser, DashboardSessionGuard } from '../auth/dashboard-session.guard';
import { DashboardUser, maySeePersonalData } from '../auth/dashboard-user';
import { driftWithoutPersonalData } from '../auth/personal-data';
import { DriftService, DriftView } from './drift.service';

@Controller('api/drift')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class DriftController {
  constructor(private readonly driftService: DriftService) {}

  /** Drift per replica; the drifted subjects' ids are masked without the data-viewer role. */
  @Get()
  async drift(@CurrentUser() user: DashboardUser): Promise<DriftView> {
    const view = await this.driftService.drift();
    return maySeePersonalData(user) ? view : driftWithoutPersonalData(view);
  }
}

import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiForbiddenResponse, ApiNotFoundResponse, ApiOperation, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { ZodBodyPipe, openApiSchemaOf } from '@regsync/service-runtime/agency-api';
import { CurrentUser, DashboardSessionGuard, RequiresRole } from '../auth/dashboard-session.guard';
import { DashboardUser, maySeePersonalData } from '../auth/dashboard-user';
import { heldSubjectsWithoutPersonalData } from '../auth/personal-data';
import { HeldSubjectsService, HeldSubjectsView } from './held-subjects.service';

const releaseRequest = z.object({ ref: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'the ref of a held subject as listed') }).strict();

@Controller('api/held-subjects')
@UseGuards(DashboardSessionGuard)
@ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
export class HeldSubjectsController {
  constructor(private readonly heldSubjects: HeldSubjectsService) {}

  /** Subjects whose later events wait at a gap, oldest first; their ids are masked without the data-viewer role. */
  @Get()
  async list(@CurrentUser() user: DashboardUser): Promise<HeldSubjectsView> {
    const view = await this.heldSubjects.held();
    return maySeePersonalData(user) ? view : heldSubjectsWithoutPersonalData(view);
  }

  @Post('release')
  @HttpCode(200)
  @RequiresRole('operator')
  @ApiOperation({ summary: "Applies a held subject's events over their gap at its instance (operator role); logged there and here with the person" })
  @ApiBody({ schema: openApiSchemaOf(releaseRequest, { ref: 'q1V9mS3xT0aZb2Yc4Wd6Ef' }) })
  @ApiForbiddenResponse({ description: 'the person lacks the operator role' })
  @ApiNotFoundResponse({ description: 'no such held subject (any more)' })
  release(@Body(new ZodBodyPipe(releaseRequest)) { ref }: z.output<typeof releaseRequest>, @CurrentUser() user: DashboardUser) {
    return this.heldSubjects.release(ref, user);
  }
}

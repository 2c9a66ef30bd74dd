import { Controller, Get, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, DashboardSessionGuard } from './dashboard-session.guard';
import { DashboardSessions } from './dashboard-sessions';
import { DashboardUser, maySeePersonalData } from './dashboard-user';
import { OidcLogin } from './oidc-login';

export interface SessionView extends DashboardUser {
  maySeePersonalData: boolean;
  mayRedrive: boolean;
}

/** Login through the OIDC provider, the session it starts, and logout (here and at the provider). */
@ApiTags('login')
@Controller()
export class AuthController {
  constructor(
    private readonly login: OidcLogin,
    private readonly sessions: DashboardSessions,
  ) {}

  @Get('auth/login')
  @ApiExcludeEndpoint()
  async begin(@Res() response: Response): Promise<void> {
    response.redirect(303, (await this.login.begin(response)).toString());
  }

  @Get('auth/callback')
  @ApiExcludeEndpoint()
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const { user, idToken } = await this.login.complete(request, response);
    this.sessions.start(response, user, idToken);
    response.redirect(303, '../');
  }

  /** A POST, so no link on another site can log a person out. */
  @Post('auth/logout')
  @ApiExcludeEndpoint()
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    const idToken = this.sessions.end(request, response);
    response.redirect(303, (await this.login.logoutUrl(idToken)).toString());
  }

  @Get('api/session')
  @UseGuards(DashboardSessionGuard)
  @ApiOkResponse({ description: 'the logged-in person (subject and name from the ID token), their roles and what they may do' })
  @ApiUnauthorizedResponse({ description: 'no dashboard session: log in at /auth/login' })
  session(@CurrentUser() user: DashboardUser): SessionView {
    return { ...user, maySeePersonalData: maySeePersonalData(user), mayRedrive: user.roles.includes('operator') };
  }
}

import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DashboardSessions } from '../auth/dashboard-sessions';
import { DASHBOARD_PAGE } from './dashboard-page.html';

@ApiExcludeController()
@Controller()
export class DashboardPageController {
  constructor(private readonly sessions: DashboardSessions) {}

  /** The page for a logged-in person; anyone else is sent to the login first. */
  @Get()
  page(@Req() request: Request, @Res() response: Response): void {
    if (!this.sessions.userOf(request)) return void response.redirect(303, 'auth/login');
    response
      .type('html')
      // the page loads nothing from elsewhere: its own inline script and style, and the chart library this app serves
      .setHeader('Content-Security-Policy', "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'")
      .setHeader('Cache-Control', 'no-store')
      .send(DASHBOARD_PAGE);
  }
}

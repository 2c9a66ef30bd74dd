import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DASHBOARD_PAGE } from './dashboard-page.html';

@ApiExcludeController()
@Controller()
export class DashboardPageController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  // the page loads nothing from elsewhere; its own inline script and style are all it runs
  @Header('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
  page(): string {
    return DASHBOARD_PAGE;
  }
}

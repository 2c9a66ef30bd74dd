import { INestApplication } from '@nestjs/common';
import { startService } from '@regsync/service-runtime/service-startup';
import { OpsDashboardConfig } from './config';
import { OpsDashboardModule } from './ops-dashboard.module';

/** Starts the dashboard as main.ts does; the tests start it the same way (same error mapping, same OpenAPI). */
export function startOpsDashboard(config: OpsDashboardConfig): Promise<INestApplication> {
  return startService(OpsDashboardModule.forRoot(config), { title: 'ops-dashboard', host: config.HOST, port: config.PORT });
}

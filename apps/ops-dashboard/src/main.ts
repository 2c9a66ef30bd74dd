import 'reflect-metadata';
import { exitOnStartupError } from '@regsync/service-runtime/exit-on-startup-error';
import { startService } from '@regsync/service-runtime/start-service';
import { loadOpsDashboardConfig } from './config';
import { OpsDashboardModule } from './ops-dashboard.module';

async function main(): Promise<void> {
  const config = loadOpsDashboardConfig();
  await startService(OpsDashboardModule.forRoot(config), { title: 'ops-dashboard', host: config.HOST, port: config.PORT });
}

main().catch(exitOnStartupError);

import 'reflect-metadata';
import { exitOnStartupError } from '@regsync/service-runtime/exit-on-startup-error';
import { startService } from '@regsync/service-runtime/start-service';
import { loadFederalConfig } from './config';
import { FederalRegisterModule } from './federal-register.module';

async function main(): Promise<void> {
  const config = loadFederalConfig();
  await startService(FederalRegisterModule.forRoot(config), { title: `federal-register ${'DE'}`, host: config.HOST, port: config.PORT });
}

main().catch(exitOnStartupError);

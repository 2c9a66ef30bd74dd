// First: OpenTelemetry patches http, pg and kafkajs before anything below requires them; logs become JSON.
import '@regsync/observability/start-telemetry';
import 'reflect-metadata';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { exitOnStartupError, startService } from '@regsync/service-runtime/service-startup';
import { loadMunicipalConfig } from './config';
import { MunicipalRegisterModule } from './municipal-register.module';

async function main(): Promise<void> {
  const config = loadMunicipalConfig();
  await startService(MunicipalRegisterModule.forRoot(config), {
    title: `municipal-register ${config.INSTANCE_KEY}`,
    host: config.HOST,
    port: config.PORT,
    transport: RegsyncKafkaTransport,
  });
}

main().catch(exitOnStartupError);

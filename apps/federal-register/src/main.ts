// First: OpenTelemetry patches http, pg and kafkajs before anything below requires them; logs become JSON.
import '@regsync/observability/start-telemetry';
import 'reflect-metadata';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { FEDERAL_INSTANCE_KEY } from '@regsync/register-domain/authorities';
import { exitOnStartupError, startService } from '@regsync/service-runtime/service-startup';
import { loadFederalConfig } from './config';
import { FederalRegisterModule } from './federal-register.module';

async function main(): Promise<void> {
  const config = loadFederalConfig();
  await startService(FederalRegisterModule.forRoot(config), { title: `federal-register ${FEDERAL_INSTANCE_KEY}`, host: config.HOST, port: config.PORT, transport: RegsyncKafkaTransport });
}

main().catch(exitOnStartupError);

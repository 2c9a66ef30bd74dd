// First: OpenTelemetry patches http, pg and kafkajs before anything below requires them; logs become JSON.
import '@regsync/observability/start-telemetry';
import 'reflect-metadata';
import { RegsyncKafkaTransport } from '@regsync/messaging/register-messaging';
import { exitOnStartupError, startService } from '@regsync/service-runtime/service-startup';
import { loadStateConfig } from './config';
import { StateRegisterModule } from './state-register.module';

async function main(): Promise<void> {
  const config = loadStateConfig();
  await startService(StateRegisterModule.forRoot(config), { title: `state-register ${config.INSTANCE_KEY}`, host: config.HOST, port: config.PORT, transport: RegsyncKafkaTransport });
}

main().catch(exitOnStartupError);

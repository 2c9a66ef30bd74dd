// First: OpenTelemetry patches http, pg and kafkajs before anything below requires them; logs become JSON.
import '@regsync/observability/start-telemetry';
import 'reflect-metadata';
import { RegsyncKafkaTransport } from '@regsync/messaging/regsync-kafka.transport';
import { FEDERAL_INSTANCE_KEY } from '@regsync/register-domain/registers';
import { exitOnStartupError } from '@regsync/service-runtime/exit-on-startup-error';
import { startService } from '@regsync/service-runtime/start-service';
import { loadFederalConfig } from './config';
import { FederalRegisterModule } from './federal-register.module';

async function main(): Promise<void> {
  const config = loadFederalConfig();
  await startService(FederalRegisterModule.forRoot(config), { title: `federal-register ${FEDERAL_INSTANCE_KEY}`, host: config.HOST, port: config.PORT, transport: RegsyncKafkaTransport });
}

main().catch(exitOnStartupError);

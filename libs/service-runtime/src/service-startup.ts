// Public entry: Starting a service: the Nest app, its database, health, start-up phases and exit on failure.
export { startService } from './start-service';
export { exitOnStartupError } from './exit-on-startup-error';
export { StartupPhase, StartupRefusedError, withDeadline } from './startup-phase';
export { HealthChecks } from './health-checks';
export { ServiceDatabaseModule } from './service-database.module';

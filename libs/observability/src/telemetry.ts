// Public entry: A service's metrics, tracing and their Nest module.
export { ObservabilityModule } from './observability.module';
export { RegsyncMetrics } from './regsync-metrics';
export { startTracing } from './tracing';

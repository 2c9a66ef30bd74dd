import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { OPS_API_KEYS, OpsApiKeyGuard } from './ops-api-key.guard';
import { REGISTER_SNAPSHOT_SOURCES, RegisterSnapshotSource } from './register-snapshot-source';
import { RegisterSnapshotController } from './register-snapshot.controller';
import { RegsyncMetrics } from './regsync-metrics';

export interface ObservabilityOptions {
  /** The process's metrics, created by the app so it can hand the same object to RegsyncMessagingModule. */
  metrics: RegsyncMetrics;
  /** Data sets the ops dashboard compares (GET /ops/registers); none = the endpoint is not served. */
  registers?: RegisterSnapshotSource[];
  /** agency → API key allowed to read /ops/registers (it names subjects); required with `registers`. */
  opsApiKeys?: Record<string, string>;
}

/** GET /metrics for Prometheus and, where the app has registers, GET /ops/registers for drift checks. */
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    const registers = options.registers ?? [];
    if (registers.length > 0 && Object.keys(options.opsApiKeys ?? {}).length === 0) {
      throw new Error('observability: registers need opsApiKeys (the endpoint names subjects)');
    }
    const controllers: Type<unknown>[] = [MetricsController];
    const providers: Provider[] = [{ provide: RegsyncMetrics, useValue: options.metrics }];
    if (registers.length > 0) {
      controllers.push(RegisterSnapshotController);
      providers.push({ provide: REGISTER_SNAPSHOT_SOURCES, useValue: registers }, { provide: OPS_API_KEYS, useValue: options.opsApiKeys }, OpsApiKeyGuard);
    }
    return { module: ObservabilityModule, global: true, controllers, providers, exports: [RegsyncMetrics] };
  }
}

import { DynamicModule, Module, Provider, Type } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { OPS_API_KEYS, OpsApiKeyGuard } from './ops-api-key.guard';
import { REGISTER_SNAPSHOT_SOURCES, RegisterSnapshotSource } from './register-snapshot-source';
import { REGISTER_RESTATEMENTS, RegisterRestatement } from './register-restatement';
import { RegisterRestatementController } from './register-restatement.controller';
import { RegisterSnapshotController } from './register-snapshot.controller';
import { RegsyncMetrics } from './regsync-metrics';

export interface ObservabilityOptions {
  /** The process's metrics, created by the app so it can hand the same object to RegsyncMessagingModule. */
  metrics: RegsyncMetrics;
  /** Data sets the ops dashboard compares (GET /ops/registers); none = the endpoint is not served. */
  registers?: RegisterSnapshotSource[];
  /** Data sets this instance is authoritative for and restates on request (POST /ops/registers/:dataset/restatements). */
  restatements?: Type<RegisterRestatement>[];
  /** agency → API key allowed to read /ops/registers (it names subjects); required with `registers`. */
  opsApiKeys?: Record<string, string>;
}

/**
 * GET /metrics for Prometheus and, where the app has registers, GET /ops/registers for drift checks and
 * POST /ops/registers/:dataset/restatements for drift repairs.
 */
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
    const restatements = options.restatements ?? [];
    if (restatements.length > 0) {
      if (registers.length === 0) throw new Error('observability: restatements need the registers they repair (and their opsApiKeys)');
      controllers.push(RegisterRestatementController);
      providers.push(...restatements, { provide: REGISTER_RESTATEMENTS, useFactory: (...instances: RegisterRestatement[]) => instances, inject: restatements });
    }
    return { module: ObservabilityModule, global: true, controllers, providers, exports: [RegsyncMetrics] };
  }
}

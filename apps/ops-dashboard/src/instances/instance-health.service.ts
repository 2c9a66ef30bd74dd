import { Inject, Injectable } from '@nestjs/common';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { WATCHED_INSTANCES } from '../topology/watched-instances.token';
import { WatchedInstance } from '../topology/dashboard-topology';

export interface InstanceHealth {
  id: string;
  app: string;
  instanceKey: string;
  name: string;
  baseUrl: string;
  /** up: /health answered 200; down: it answered 503 (a failing check); unreachable: no answer. */
  status: 'up' | 'down' | 'unreachable';
  checks: Record<string, { healthy: boolean; detail?: string }>;
  detail?: string;
  responseMs: number;
  checkedAt: string;
}

/** Asks every instance's readiness endpoint; a dead consumer shows as a failing check there. */
@Injectable()
export class InstanceHealthService {
  constructor(
    @Inject(WATCHED_INSTANCES) private readonly instances: WatchedInstance[],
    private readonly metrics: RegsyncMetrics,
  ) {}

  async all(): Promise<InstanceHealth[]> {
    return Promise.all(this.instances.map((instance) => this.check(instance)));
  }

  private async check(instance: WatchedInstance): Promise<InstanceHealth> {
    const started = Date.now();
    const base = { id: instance.id, app: instance.app, instanceKey: instance.instanceKey, name: instance.name, baseUrl: instance.baseUrl };
    let health: InstanceHealth;
    try {
      const response = await fetch(`${instance.baseUrl}/health`, { signal: AbortSignal.timeout(3_000) });
      const body = (await response.json().catch(() => ({}))) as { checks?: InstanceHealth['checks'] };
      health = { ...base, status: response.ok ? 'up' : 'down', checks: body.checks ?? {}, detail: response.ok ? undefined : `HTTP ${response.status}`, responseMs: Date.now() - started, checkedAt: new Date().toISOString() };
    } catch (error) {
      health = { ...base, status: 'unreachable', checks: {}, detail: (error as Error).message, responseMs: Date.now() - started, checkedAt: new Date().toISOString() };
    }
    this.metrics.instanceUp.set({ app: instance.app, instance_key: instance.instanceKey }, health.status === 'up' ? 1 : 0);
    return health;
  }
}

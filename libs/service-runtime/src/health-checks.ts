import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<{ healthy: boolean; detail?: string }>;

export interface HealthReport {
  status: 'up' | 'down';
  service: string;
  instanceKey: string;
  checks: Record<string, { healthy: boolean; detail?: string }>;
}

/** Collects the named checks each part of a service registers (database, consumer, relay) and runs them. */
@Injectable()
export class HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();

  constructor(
    private readonly service: string,
    private readonly instanceKey: string,
  ) {}

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          return [name, await withTimeout(check(), 3_000)] as const;
        } catch (error) {
          return [name, { healthy: false, detail: (error as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const status = entries.every(([, result]) => result.healthy) ? 'up' : 'down';
    return { status, service: this.service, instanceKey: this.instanceKey, checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

import { Inject, Injectable } from '@nestjs/common';
import { DriftReport, InstanceRegisters, authoritativeSubjects, compareRegisters, RegisterSnapshotResponse } from '@regsync/observability/register-drift-check';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { RepairPlan, planRepair } from '../repair/repair-plan';
import { WatchedInstance } from '../topology/dashboard-topology';
import { WATCHED_INSTANCES } from '../topology/watched-instances.token';

export interface DriftView {
  checkedAt: string;
  reports: Array<DriftReport & { driftedSubjects: number }>;
  /** Instances whose registers could not be read: the comparison is incomplete while any is listed. */
  unavailable: Array<{ instance: string; reason: string }>;
  /** Instances that keep no compared data set (no GET /ops/registers). */
  notCompared: string[];
}

const SUBJECTS_SHOWN = 50;

/** Reads every instance's register checksums and compares replicas with their authoritative registers. */
@Injectable()
export class DriftService {
  constructor(
    @Inject(WATCHED_INSTANCES) private readonly instances: WatchedInstance[],
    private readonly metrics: RegsyncMetrics,
  ) {}

  async drift(): Promise<DriftView> {
    const { snapshots, unavailable, notCompared } = await this.readRegisters();
    const reports = compareRegisters(snapshots);
    for (const report of reports) {
      this.metrics.driftSubjects.set({ dataset: report.dataset, replica: report.replica }, report.missing.length + report.unexpected.length + report.different.length);
    }
    const shown = (subjects: string[]) => subjects.slice(0, SUBJECTS_SHOWN);
    return {
      checkedAt: new Date().toISOString(),
      reports: reports.map((report) => ({ ...report, driftedSubjects: report.missing.length + report.unexpected.length + report.different.length, missing: shown(report.missing), unexpected: shown(report.unexpected), different: shown(report.different), conflicting: shown(report.conflicting) })),
      unavailable,
      notCompared: notCompared.sort(),
    };
  }

  /**
   * The repair of one comparison, from the registers as they are now: its drifting subjects (or those of them `wanted`
   * names) by the authoritative instance that holds each. Undefined when there is no such comparison.
   */
  async repairPlan(dataset: string, replica: string, wanted?: readonly string[]): Promise<RepairPlan | undefined> {
    const { snapshots } = await this.readRegisters();
    const report = compareRegisters(snapshots).find((candidate) => candidate.dataset === dataset && candidate.replica === replica);
    return report && planRepair(report, authoritativeSubjects(snapshots, dataset).authoritative, wanted);
  }

  /** Every register instance's GET /ops/registers, in topology order. */
  private async readRegisters(): Promise<{ snapshots: InstanceRegisters[]; unavailable: DriftView['unavailable']; notCompared: string[] }> {
    const unavailable: DriftView['unavailable'] = [];
    const notCompared: string[] = [];
    const snapshots: InstanceRegisters[] = [];
    await Promise.all(
      this.instances.filter((instance) => instance.keepsRegisters).map(async (instance) => {
        try {
          const response = await fetch(`${instance.baseUrl}/ops/registers`, { headers: instance.apiKey ? { 'x-api-key': instance.apiKey } : {}, signal: AbortSignal.timeout(10_000) });
          if (response.status === 404) return void notCompared.push(instance.id);
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const body = (await response.json()) as RegisterSnapshotResponse;
          snapshots.push({ instance: instance.id, datasets: body.datasets });
        } catch (error) {
          unavailable.push({ instance: instance.id, reason: (error as Error).message });
        }
      }),
    );
    const order = this.instances.map((instance) => instance.id);
    snapshots.sort((a, b) => order.indexOf(a.instance) - order.indexOf(b.instance));
    return { snapshots, unavailable, notCompared };
  }
}

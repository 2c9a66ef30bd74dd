import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RestatementResponse } from '@regsync/data-protection/register-restatements';
import { RepairAudit } from '../audit/repair-audit.service';
import { DashboardUser } from '../auth/dashboard-user';
import { DriftService } from '../drift/drift.service';
import { WatchedInstance } from '../topology/dashboard-topology';
import { WATCHED_INSTANCES } from '../topology/watched-instances.token';
import { chunked, runBounded } from './bounded-runner';
import { RepairCounts, RepairProgress, repairProgress } from './repair-progress';
import { RepairPlan, subjectsIn } from './repair-plan';

export interface RepairRequest {
  dataset: string;
  /** The replica of the comparison, e.g. `state-register 03`. */
  replica: string;
  /** Only these drifting subjects (ids, or the masked ids a viewer sees); absent: every drifting subject. */
  subjects?: string[];
}

export type RepairState = 'running' | 'done' | 'cancelled' | 'failed';

/** A repair as every dashboard role sees it: counts, no subject ids. */
export interface RepairJobView extends RepairProgress {
  id: string;
  dataset: string;
  replica: string;
  requestedBy: string;
  correlationId: string;
  state: RepairState;
  startedAt: string;
  finishedAt: string | null;
  /** The last few problems (instance and HTTP status or error), for the operator. */
  errors: string[];
}

interface RepairJob {
  id: string;
  request: RepairRequest;
  requestedBy: string;
  correlationId: string;
  counts: RepairCounts;
  state: RepairState;
  startedAt: number;
  finishedAt?: number;
  cancelRequested: boolean;
  errors: string[];
}

/** Subjects per restatement request, and requests in flight at once: bounded, so a bulk repair never floods a register. */
const SUBJECTS_PER_REQUEST = 100;
const REQUESTS_IN_FLIGHT = 2;
const JOBS_KEPT = 20;
const ERRORS_KEPT = 5;

/**
 * Drift repair: asks the authoritative registers to restate the drifting subjects of one comparison through the normal
 * routed path (their outbox, the router, the replicas' inbox). Runs in the background of the dashboard's process with
 * bounded concurrency; progress and rate are read from `list()`.
 */
@Injectable()
export class DriftRepairService {
  private readonly logger = new Logger('DriftRepair');
  private readonly jobs = new Map<string, RepairJob>();

  constructor(
    private readonly drift: DriftService,
    @Inject(WATCHED_INSTANCES) private readonly instances: WatchedInstance[],
    private readonly audit: RepairAudit,
  ) {}

  async start(user: DashboardUser, body: unknown): Promise<RepairJobView> {
    const request = repairRequestOf(body);
    const plan = await this.drift.repairPlan(request.dataset, request.replica, request.subjects);
    if (!plan) throw new NotFoundException(`dataset, replica: no comparison of ${request.dataset} at ${request.replica}`);
    const total = subjectsIn(plan);
    if (total === 0) throw new ConflictException(`${request.dataset} at ${request.replica}: ${request.subjects ? 'none of the given subjects drifts' : 'nothing drifts'} now`);
    const job: RepairJob = {
      id: randomUUID(),
      request,
      requestedBy: `${user.name} (${user.subject})`,
      correlationId: randomUUID(),
      counts: { total, done: 0, restated: 0, notHeldHere: 0, failed: 0 },
      state: 'running',
      startedAt: Date.now(),
      cancelRequested: false,
      errors: [],
    };
    // on record with its person before anything is restated: without the audit, no repair
    try {
      await this.audit.started(user, this.viewOf(job));
    } catch (error) {
      throw new ServiceUnavailableException(`repair not started: the audit log is not available (${(error as Error).message})`);
    }
    this.keep(job);
    void this.run(job, plan);
    return this.viewOf(job);
  }

  cancel(id: string): RepairJobView {
    const job = this.jobs.get(id);
    if (!job) throw new NotFoundException(`repair ${id}: not found`);
    if (job.state !== 'running') throw new ConflictException(`repair ${id}: already ${job.state}`);
    job.cancelRequested = true;
    return this.viewOf(job);
  }

  /** The latest repairs, newest first. */
  list(): RepairJobView[] {
    return [...this.jobs.values()].reverse().map((job) => this.viewOf(job));
  }

  private async run(job: RepairJob, plan: RepairPlan): Promise<void> {
    this.answered(job, { notHeldHere: plan.heldByNoAuthority.length });
    const requests = [...plan.byAuthority].flatMap(([instanceId, subjects]) => chunked(subjects, SUBJECTS_PER_REQUEST).map((chunk) => ({ instanceId, subjects: chunk })));
    await runBounded(requests, REQUESTS_IN_FLIGHT, (chunk) => this.restate(job, plan.dataset, chunk.instanceId, chunk.subjects), () => job.cancelRequested);
    job.state = job.cancelRequested ? 'cancelled' : job.counts.failed > 0 ? 'failed' : 'done';
    job.finishedAt = Date.now();
    await this.audit.finished(this.viewOf(job)).catch((error: Error) => this.logger.error(`repair ${job.id}: audit not updated: ${error.message}`));
  }

  /** One restatement request; a failure counts its subjects as failed, never throws (the other requests go on). */
  private async restate(job: RepairJob, dataset: string, instanceId: string, subjects: string[]): Promise<void> {
    const instance = this.instances.find((candidate) => candidate.id === instanceId);
    try {
      if (!instance) throw new Error('not in the topology');
      const response = await fetch(`${instance.baseUrl}/ops/registers/${encodeURIComponent(dataset)}/restatements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(instance.apiKey ? { 'x-api-key': instance.apiKey } : {}) },
        body: JSON.stringify({ subjects, requestedBy: job.requestedBy, correlationId: job.correlationId }),
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
      const answer = (await response.json()) as RestatementResponse;
      this.answered(job, { restated: answer.restated.length, notHeldHere: answer.notHeldHere.length });
    } catch (error) {
      job.errors = [...job.errors, `${instanceId}: ${(error as Error).message}`].slice(-ERRORS_KEPT);
      this.answered(job, { failed: subjects.length });
    }
  }

  private answered(job: RepairJob, answers: Partial<Pick<RepairCounts, 'restated' | 'notHeldHere' | 'failed'>>): void {
    const { restated = 0, notHeldHere = 0, failed = 0 } = answers;
    const counts = job.counts;
    job.counts = { ...counts, restated: counts.restated + restated, notHeldHere: counts.notHeldHere + notHeldHere, failed: counts.failed + failed, done: counts.done + restated + notHeldHere + failed };
  }

  private keep(job: RepairJob): void {
    this.jobs.set(job.id, job);
    for (const [id, kept] of this.jobs) {
      if (this.jobs.size <= JOBS_KEPT) break;
      if (kept.state !== 'running') this.jobs.delete(id);
    }
  }

  private viewOf(job: RepairJob): RepairJobView {
    return {
      id: job.id,
      dataset: job.request.dataset,
      replica: job.request.replica,
      requestedBy: job.requestedBy,
      correlationId: job.correlationId,
      state: job.state,
      startedAt: new Date(job.startedAt).toISOString(),
      finishedAt: job.finishedAt === undefined ? null : new Date(job.finishedAt).toISOString(),
      errors: job.errors,
      ...repairProgress(job.counts, job.startedAt, job.finishedAt, Date.now()),
    };
  }
}

/** The body of POST /api/repairs, checked field by field. */
export function repairRequestOf(body: unknown): RepairRequest {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const { dataset, replica, subjects } = input;
  if (typeof dataset !== 'string' || dataset.length === 0) throw new BadRequestException('dataset: required, e.g. person.residence');
  if (typeof replica !== 'string' || replica.length === 0) throw new BadRequestException('replica: required, e.g. state-register 03');
  if (subjects === undefined) return { dataset, replica };
  if (!Array.isArray(subjects) || subjects.length === 0 || !subjects.every((subject) => typeof subject === 'string' && subject.length > 0)) {
    throw new BadRequestException('subjects: when given, a non-empty array of subject ids');
  }
  return { dataset, replica, subjects: subjects as string[] };
}

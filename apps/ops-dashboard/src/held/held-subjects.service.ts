import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { createHmac, randomBytes } from 'node:crypto';
import type { HeldSubject } from '@regsync/messaging/dead-letter-redrive';
import type { DashboardUser } from '../auth/dashboard-user';
import { WatchedInstance } from '../topology/dashboard-topology';
import { WATCHED_INSTANCES } from '../topology/watched-instances.token';

/** A held subject as the dashboard shows it: where, and a reference to release it by without naming the subject. */
export interface HeldSubjectView extends HeldSubject {
  instance: string;
  ref: string;
}

export interface HeldSubjectsView {
  checkedAt: string;
  subjects: HeldSubjectView[];
  /** Instances whose held subjects could not be read: the list is incomplete while any is listed. */
  unavailable: Array<{ instance: string; reason: string }>;
}

/** Hold at a gap across the watched instances: their GET /ops/held-subjects, and the operator's release. */
@Injectable()
export class HeldSubjectsService {
  private readonly logger = new Logger(HeldSubjectsService.name);
  // Refs are keyed per dashboard process: a viewer's masked row cannot be turned back into the IdNr it releases.
  private readonly refKey = randomBytes(32);

  constructor(@Inject(WATCHED_INSTANCES) private readonly instances: WatchedInstance[]) {}

  async held(): Promise<HeldSubjectsView> {
    const unavailable: HeldSubjectsView['unavailable'] = [];
    const lists = await Promise.all(
      this.instances.filter((instance) => instance.apiKey).map(async (instance) => {
        try {
          const response = await this.call(instance, 'GET', '/ops/held-subjects');
          // an instance from before hold at a gap, or one that consumes nothing
          if (response.status === 404) return [];
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const { subjects } = (await response.json()) as { subjects: HeldSubject[] };
          return subjects.map((subject) => ({ ...subject, instance: instance.id, ref: this.refOf(instance, subject) }));
        } catch (error) {
          unavailable.push({ instance: instance.id, reason: (error as Error).message });
          return [];
        }
      }),
    );
    const subjects = lists.flat().sort((a, b) => a.heldSince.localeCompare(b.heldSince));
    return { checkedAt: new Date().toISOString(), subjects, unavailable };
  }

  /** Applies the held events of the subject `ref` names over their gap, at its instance, as `user` decided. */
  async release(ref: string, user: DashboardUser): Promise<{ instance: string; released: unknown }> {
    const held = (await this.held()).subjects.find((subject) => subject.ref === ref);
    const instance = held && this.instances.find((candidate) => candidate.id === held.instance);
    if (!held || !instance) throw new NotFoundException(`held subject ${ref}: not held (any more)`);
    const { authority, subjectKind, subjectId, sourceInstanceKey, sourceRegister } = held;
    const onBehalfOf = `${user.name} (${user.subject})`;
    const response = await this.call(instance, 'POST', '/ops/held-subjects/release', { authority, subjectKind, subjectId, sourceInstanceKey, sourceRegister, onBehalfOf });
    if (response.status === 404) throw new NotFoundException(`held subject ${ref}: not held (any more)`);
    if (!response.ok) throw new Error(`${instance.id}: release answered HTTP ${response.status}`);
    const { released } = (await response.json()) as { released: unknown };
    this.logger.warn(`held subject ${ref} at ${instance.id} released over its gap by ${onBehalfOf}`);
    return { instance: instance.id, released };
  }

  private call(instance: WatchedInstance, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    return fetch(`${instance.baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': instance.apiKey ?? '', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  }

  private refOf(instance: WatchedInstance, subject: HeldSubject): string {
    const identity = [instance.id, subject.authority, subject.subjectKind, subject.subjectId, subject.sourceInstanceKey, subject.sourceRegister].join('\u0000');
    return createHmac('sha256', this.refKey).update(identity).digest('base64url').slice(0, 22);
  }
}

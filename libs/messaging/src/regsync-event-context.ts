import { IHeaders } from 'kafkajs';
import { EntityManager } from 'typeorm';
import type { SubjectKey } from '@regsync/contracts/event-encoding';
import { Admission } from './messaging-options';

/** The second argument of every `@EventPattern` handler (`@Ctx()`): where the event came from and the inbox transaction. */
export class RegsyncEventContext {
  constructor(
    /** EntityManager of the inbox transaction; write register rows (and outbox.append) with it only. */
    readonly manager: EntityManager,
    readonly admission: Extract<Admission, { kind: 'apply' }>,
    readonly topic: string,
    readonly partition: number,
    readonly offset: string,
    readonly headers: IHeaders,
    readonly traceparent: string | undefined,
    readonly correlationId: string,
    /** The key the event was sealed with, if it was (the router seals its deliveries with it). */
    readonly subjectKey?: SubjectKey,
  ) {}
}

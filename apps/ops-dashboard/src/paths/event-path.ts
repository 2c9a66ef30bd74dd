import { ROUTER_APP, consumerGroupOf, deliveryTopicReader, namespaced, outgoingTopicOwner } from '@regsync/contracts/topics';
import { routeFor } from '@regsync/register-domain/routing';
import type { RegisterKind } from '@regsync/register-domain/authorities';
import type { EventSummary, TracedEvent } from '../kafka/topic-tail.service';

/**
 * Where one event went, from the records on the broker: as sent (the sender's outgoing topic), the router's decision
 * (one delivery record per recipient on the recipient's delivery topic), and each delivery's state. The routing
 * catalog's route is shown beside each delivery: the fields it carries and the legal basis.
 */
export interface EventPath {
  eventId: string;
  eventType: string;
  correlationId: string;
  occurredAt: string;
  source: EventSummary['source'];
  subject: EventSummary['subject'];
  /** The record on the sender's outgoing topic; absent when the dashboard has not indexed it (or it was put onto a delivery topic directly). */
  sent?: RecordPosition;
  router: RouterStep;
  recipients: RecipientStep[];
}

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
  /** When the broker appended the record. */
  at: string;
}

/** pending: no router has read past the sent record yet; routed: read past (`recipients` lists what it delivered, possibly none). */
export interface RouterStep {
  state: 'pending' | 'routed' | 'dead-lettered';
  /** The router groups whose committed offset is past the sent record. */
  readBy: string[];
  deadLetter?: PathDeadLetter;
}

/** delivered: on the recipient's delivery topic; applied: its consumer group committed past the record (it applies, or skips a duplicate, before it commits). */
export type DeliveryState = 'delivered' | 'applied' | 'dead-lettered';

export interface RecipientStep {
  app: string;
  instanceKey: string;
  register: string;
  state: DeliveryState;
  /** The latest delivery record (after a re-drive, the re-driven copy on the recipient group's retry topic). */
  delivery: RecordPosition;
  /** Delivery records of this event to this recipient: more than 1 after a re-drive. */
  records: number;
  consumerGroup: string;
  deadLetter?: PathDeadLetter;
  /** The routing catalog's route for this register and event type; null when the catalog has none (never routed so). */
  route: { fields: readonly string[]; legalBasis: string; purpose: string } | null;
}

export interface PathDeadLetter {
  id: string;
  reasonCode: string;
  reason: string;
  failedAt: string;
  consumerGroup: string;
  redriven: boolean;
}

/** What a dead letter says about the record it came from (regsync-dlq-source-* headers). */
export interface DeadLetterFact extends PathDeadLetter {
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
}

/** A consumer group's committed offsets (the next offset it reads) per topic and partition. */
export interface GroupOffsets {
  group: string;
  partitions: ReadonlyArray<{ topic: string; partition: number; committedOffset: number | null }>;
}

export interface PathFacts {
  /** Every indexed record of the events asked for, on outgoing, delivery and retry topics. */
  records: readonly TracedEvent[];
  deadLetters: readonly DeadLetterFact[];
  groups: readonly GroupOffsets[];
  namespace: string;
}

const LEVEL_ORDER = ['municipal-register', 'state-register', 'federal-register'];

/** One path per event id among the records, in the order the events occurred. */
export function eventPathsOf(facts: PathFacts): EventPath[] {
  const byEvent = new Map<string, TracedEvent[]>();
  for (const record of facts.records) {
    if (!record.summary) continue;
    byEvent.set(record.summary.eventId, [...(byEvent.get(record.summary.eventId) ?? []), record]);
  }
  return [...byEvent.values()]
    .map((records) => pathOf(records, facts))
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.eventId.localeCompare(b.eventId));
}

function pathOf(records: TracedEvent[], facts: PathFacts): EventPath {
  const summary = records[0].summary!;
  const sent = records.find((record) => outgoingTopicOwner(record.topic, facts.namespace));
  const deliveries = records.filter((record) => deliveryTopicReader(deliveredOn(record), facts.namespace));
  const recipients = recipientsOf(deliveries, summary.eventType, facts);
  return {
    eventId: summary.eventId,
    eventType: summary.eventType,
    correlationId: summary.correlationId,
    occurredAt: summary.occurredAt,
    source: summary.source,
    subject: summary.subject,
    sent: sent && positionOf(sent),
    router: routerStepOf(sent, recipients.length > 0, facts),
    recipients,
  };
}

function routerStepOf(sent: TracedEvent | undefined, delivered: boolean, facts: PathFacts): RouterStep {
  if (!sent) return { state: delivered ? 'routed' : 'pending', readBy: [] };
  const routerGroupPrefix = namespaced(`regsync.${ROUTER_APP}.`, facts.namespace);
  const readBy = facts.groups.filter((group) => group.group.startsWith(routerGroupPrefix) && readPast(group, sent)).map((group) => group.group);
  const deadLetter = deadLetterOf(sent, facts.deadLetters);
  if (deadLetter && !delivered) return { state: 'dead-lettered', readBy, deadLetter };
  return { state: delivered || readBy.length > 0 ? 'routed' : 'pending', readBy };
}

function recipientsOf(deliveries: TracedEvent[], eventType: string, facts: PathFacts): RecipientStep[] {
  const byRecipient = new Map<string, TracedEvent[]>();
  for (const record of deliveries) {
    const key = `${deliveredOn(record)} ${record.recipientAuthority ?? ''} ${record.recipientRegister ?? ''}`;
    byRecipient.set(key, [...(byRecipient.get(key) ?? []), record]);
  }
  return [...byRecipient.values()]
    .map((records) => {
      const latest = records.reduce(later);
      // The topic names the process (its provider id, its consumer group); the record names the authority.
      const { app, instanceKey: provider } = deliveryTopicReader(deliveredOn(latest), facts.namespace)!;
      const instanceKey = latest.recipientAuthority ?? provider;
      const consumerGroup = consumerGroupOf(app, provider, facts.namespace);
      const register = latest.recipientRegister ?? 'unknown';
      const route = routeFor(register as RegisterKind, eventType);
      const deadLetter = deadLetterOf(latest, facts.deadLetters);
      const group = facts.groups.find((candidate) => candidate.group === consumerGroup);
      const state: DeliveryState = deadLetter ? 'dead-lettered' : group && readPast(group, latest) ? 'applied' : 'delivered';
      return {
        app,
        instanceKey,
        register,
        state,
        delivery: positionOf(latest),
        records: records.length,
        consumerGroup,
        ...(deadLetter ? { deadLetter } : {}),
        route: route ? { fields: route.fields, legalBasis: route.legalBasis, purpose: route.purpose } : null,
      };
    })
    .sort((a, b) => LEVEL_ORDER.indexOf(a.app) - LEVEL_ORDER.indexOf(b.app) || a.instanceKey.localeCompare(b.instanceKey) || a.register.localeCompare(b.register));
}

/** The delivery topic a record stands for: its own, or for a re-driven copy on a retry topic the one it names. */
function deliveredOn(record: TracedEvent): string {
  return record.sentOnTopic ?? record.topic;
}

/** Of two records of one delivery, the one the broker appended later (offsets order a partition, time the rest). */
function later(a: TracedEvent, b: TracedEvent): TracedEvent {
  if (a.topic === b.topic && a.partition === b.partition) return BigInt(b.offset) > BigInt(a.offset) ? b : a;
  return b.timestamp > a.timestamp ? b : a;
}

function readPast(group: GroupOffsets, record: TracedEvent): boolean {
  return group.partitions.some((partition) => partition.topic === record.topic && partition.partition === record.partition && (partition.committedOffset ?? -1) > Number(record.offset));
}

function deadLetterOf(record: TracedEvent, deadLetters: readonly DeadLetterFact[]): PathDeadLetter | undefined {
  const found = deadLetters.find((deadLetter) => deadLetter.sourceTopic === record.topic && deadLetter.sourcePartition === record.partition && deadLetter.sourceOffset === record.offset);
  return found && { id: found.id, reasonCode: found.reasonCode, reason: found.reason, failedAt: found.failedAt, consumerGroup: found.consumerGroup, redriven: found.redriven };
}

function positionOf(record: TracedEvent): RecordPosition {
  return { topic: record.topic, partition: record.partition, offset: record.offset, at: record.timestamp };
}

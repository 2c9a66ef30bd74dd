import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, KafkaMessage } from 'kafkajs';
import { EventCodec, SealedEventError } from '@regsync/contracts/event-encoding';
import type { EventEnvelope } from '@regsync/contracts/generated/events';
import { deliveryTopicReader, outgoingTopicOwner, KAFKA_HEADERS, headerText } from '@regsync/contracts/topics';
import { RegsyncMetrics } from '@regsync/observability/telemetry';
import { DeadLetterInfo, deadLetterIdOfInfo, deadLetterInfo, RedriveOutcome, parseRedriveOutcome } from '@regsync/messaging/dead-letter-redrive';
import { formatCalendarDate } from '@regsync/register-domain/calendar-date';
import { applyBlockLift, applyBlockSet, eventPayloadView, type InformationBlockKind, type InformationBlockState } from '@regsync/register-domain/register-rules';
import { KafkaConnection } from './kafka-connection';

/** Added to a re-driven record, so the dashboard (after a restart too) knows which dead letters were re-driven. */
export const REDRIVEN_FROM_HEADER = 'regsync-redriven-from';

export interface EventSummary {
  eventType: string;
  eventId: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  source: { level: string; instanceKey: string; register: string };
  subject: { kind: string; id: string };
  subjectVersion: number;
}

export interface TracedEvent {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  eventType: string;
  correlationId: string;
  summary?: EventSummary;
  decodeError?: string;
  redrivenFrom?: string;
  /** On a delivery topic: the register the router addressed (header regsync-recipient-register). */
  recipientRegister?: string;
  /** On a provider's delivery topic: the authority the router addressed (header regsync-recipient-authority). */
  recipientAuthority?: string;
  /** On a consumer group's retry topic: the topic the record was first read from (header regsync-sent-on-topic). */
  sentOnTopic?: string;
}

export interface DeadLetter {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string | null;
  reasonCode: string;
  reason: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumerGroup: string;
  failedAt: string;
  attempts: number;
  correlationId: string | null;
  eventType: string | null;
  /** The decoded event (personal data: shown to operators only), or why the bytes do not decode. */
  payload?: unknown;
  decodeError?: string;
  redriven: boolean;
  /** What the consumer group made of the latest re-drive of this dead letter, once it reported it. */
  redriveOutcome?: RedriveOutcome;
  record: Pick<KafkaMessage, 'key' | 'value' | 'headers'>;
}

const DEAD_LETTERS_PER_TOPIC = 5_000;
/** A group's dead letters, its retry topic (re-driven records: events of the correlation path) and its re-drive outcomes. */
const OPERATIONS_TOPIC = /\.(dlq|redrive|redrive-outcomes)$/;
const RETRY_TOPIC_SUFFIX = '.redrive';
const TOPIC_CHECK_MS = 3_000;

export function recordId(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}/${offset}`;
}

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key) ?? new Set<string>();
  ids.add(id);
  index.set(key, ids);
}

function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  ids?.delete(id);
  if (ids?.size === 0) index.delete(key);
}

/** Avro values as JSON: Dates as ISO strings, Buffers as hex. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_, inner: unknown) => (inner && typeof inner === 'object' && (inner as { type?: string }).type === 'Buffer' ? Buffer.from((inner as { data: number[] }).data).toString('hex') : inner)));
}

/**
 * Reads every event topic, every dead-letter, retry and re-drive outcome topic of the namespace from the beginning and
 * keeps following them: dead letters (all, decoded) with the outcome of their re-drive, and a bounded correlation index of events. A consumer group of its own that never
 * commits, restarted when dead-letter topics appear.
 */
@Injectable()
export class TopicTailService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TopicTailService.name);
  private readonly events = new Map<string, TracedEvent>();
  private readonly byCorrelation = new Map<string, Set<string>>();
  private readonly byEventId = new Map<string, Set<string>>();
  private readonly deadLetters = new Map<string, DeadLetter>();
  private readonly redriven = new Set<string>();
  /** The latest re-drive outcome per dead letter (by its id, deadLetterIdOf). */
  private readonly outcomes = new Map<string, RedriveOutcome>();
  private readonly outcomeListeners: ((outcome: RedriveOutcome) => void)[] = [];
  private readonly blocks = new Map<string, InformationBlockState>();
  private consumer?: Consumer;
  private subscribed = '';
  private timer?: NodeJS.Timeout;
  private codec?: Promise<EventCodec>;
  private checking = false;
  lastError?: string;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly schemaRegistryUrl: string,
    private readonly correlationLimit: number,
    private readonly metrics: RegsyncMetrics,
  ) {}

  onApplicationBootstrap(): void {
    void this.checkTopics();
    this.timer = setInterval(() => void this.checkTopics(), TOPIC_CHECK_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.consumer?.disconnect().catch(() => undefined);
  }

  get running(): boolean {
    return this.consumer !== undefined && this.lastError === undefined;
  }

  /** Decoded payloads without the address of a person whose information block is in force (§ 51 BMG). */
  deadLetterList(): DeadLetter[] {
    const today = formatCalendarDate(new Date());
    return [...this.deadLetters.values()].map((deadLetter) => ({
      ...deadLetter,
      payload: this.withBlock(deadLetter, today),
      redriven: this.redriven.has(deadLetter.id),
      redriveOutcome: this.outcomeOf(deadLetter),
    }));
  }

  /** Calls `listener` with every re-drive outcome read, also those read again after a restart. */
  onRedriveOutcome(listener: (outcome: RedriveOutcome) => void): void {
    this.outcomeListeners.push(listener);
  }

  private outcomeOf(deadLetter: DeadLetter): RedriveOutcome | undefined {
    return deadLetter.consumerGroup ? this.outcomes.get(deadLetterIdOfInfo(deadLetter)) : undefined;
  }

  private withBlock(deadLetter: DeadLetter, today: string): unknown {
    const payload = deadLetter.payload as Record<string, unknown> | undefined;
    if (!payload || typeof payload !== 'object') return payload;
    const idnr = typeof payload.idnr === 'string' ? payload.idnr : deadLetter.key;
    return eventPayloadView(payload, idnr ? this.blocks.get(idnr) : undefined, today);
  }

  /** Follows the information blocks of the person topic, as every register does, for the dead-letter view. */
  private followBlock(payload: unknown): void {
    const event = payload as { idnr?: string; blockKind?: InformationBlockKind; validUntil?: string | null; envelope?: { eventType: string; occurredAt: string } };
    if (!event.idnr || !event.blockKind || !event.envelope) return;
    const envelope = { occurredAt: new Date(event.envelope.occurredAt) };
    const existing = this.blocks.get(event.idnr);
    let next: InformationBlockState | undefined;
    if (event.envelope.eventType === 'InformationBlockSet') {
      next = applyBlockSet(existing, { blockKind: event.blockKind, validUntil: event.validUntil ? new Date(event.validUntil) : null, envelope });
    } else if (event.envelope.eventType === 'InformationBlockLifted') {
      next = applyBlockLift(existing, { blockKind: event.blockKind, envelope });
    }
    if (next) this.blocks.set(event.idnr, next);
  }

  deadLetter(id: string): DeadLetter | undefined {
    const found = this.deadLetters.get(id);
    return found && { ...found, redriven: this.redriven.has(id), redriveOutcome: this.outcomeOf(found) };
  }

  markRedriven(id: string): void {
    this.redriven.add(id);
    this.updatePending();
  }

  eventsOf(correlationId: string): TracedEvent[] {
    return [...(this.byCorrelation.get(correlationId) ?? [])].map((id) => this.events.get(id)!).filter(Boolean);
  }

  /** Every indexed record of this event: as sent and as delivered to each recipient. */
  recordsOfEvent(eventId: string): TracedEvent[] {
    return [...(this.byEventId.get(eventId) ?? [])].map((id) => this.events.get(id)!).filter(Boolean);
  }

  /** The latest citizen actions: correlation ids by the time of their newest event, newest first. */
  recentCorrelations(limit: number): Array<{ correlationId: string; events: number; firstEventType: string; lastSeen: string }> {
    return [...this.byCorrelation]
      .map(([correlationId, ids]) => {
        const events = [...ids].map((id) => this.events.get(id)!).filter(Boolean);
        const times = events.map((event) => event.summary?.occurredAt ?? event.timestamp).sort();
        const first = events.find((event) => (event.summary?.occurredAt ?? event.timestamp) === times[0]);
        return { correlationId, events: events.length, firstEventType: first?.eventType ?? 'unknown', lastSeen: times[times.length - 1] };
      })
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))
      .slice(0, limit);
  }

  deadLettersOf(correlationId: string): DeadLetter[] {
    return this.deadLetterList().filter((deadLetter) => deadLetter.correlationId === correlationId);
  }

  get indexedEvents(): number {
    return this.events.size;
  }

  private async checkTopics(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const admin = await this.connection.adminClient();
      const existing = new Set(await admin.listTopics());
      // The path of a correlation id: each event as sent (outgoing topics) and as delivered to each recipient.
      const { namespace, prefix } = this.connection;
      const wanted = [...existing]
        .filter((topic) => outgoingTopicOwner(topic, namespace) || deliveryTopicReader(topic, namespace) || (topic.startsWith(prefix) && OPERATIONS_TOPIC.test(topic)))
        .sort();
      const key = wanted.join(',');
      if (key !== this.subscribed && wanted.length > 0) await this.follow(wanted, key);
      this.lastError = undefined;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.logger.warn(`following topics failed: ${this.lastError}`);
    } finally {
      this.checking = false;
    }
  }

  private async follow(topics: string[], key: string): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    // a fresh group each time: it has no committed offsets, so it reads every topic from the beginning
    const consumer = this.connection.kafka.consumer({ groupId: `${this.connection.prefix}ops-dashboard.${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async ({ topic, partition, message }) => this.take(topic, partition, message) });
    this.consumer = consumer;
    this.subscribed = key;
    this.logger.log(`following ${topics.join(', ')}`);
  }

  private async take(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const id = recordId(topic, partition, message.offset);
    if (topic.endsWith('.dlq')) {
      if (!this.deadLetters.has(id)) await this.takeDeadLetter(id, topic, partition, message);
      return;
    }
    if (topic.endsWith('.redrive-outcomes')) return this.takeOutcome(message);
    if (this.events.has(id)) return;
    const headers = message.headers ?? {};
    const redrivenFrom = headerText(headers[REDRIVEN_FROM_HEADER]);
    if (redrivenFrom) this.markRedriven(redrivenFrom);
    const decoded = await this.decode(message.value);
    // A sealed event has no payload here (the dashboard holds no subject keys).
    if (decoded.payload) this.followBlock(decoded.payload);
    const correlationId = decoded.summary?.correlationId ?? headerText(headers[KAFKA_HEADERS.correlationId]);
    if (!correlationId) return;
    this.events.set(id, {
      topic,
      partition,
      offset: message.offset,
      timestamp: new Date(Number(message.timestamp)).toISOString(),
      key: message.key?.toString() ?? null,
      eventType: decoded.summary?.eventType ?? headerText(headers[KAFKA_HEADERS.eventType]) ?? 'unknown',
      correlationId,
      summary: decoded.summary,
      decodeError: decoded.error,
      redrivenFrom,
      recipientRegister: headerText(headers[KAFKA_HEADERS.recipientRegister]),
      recipientAuthority: headerText(headers[KAFKA_HEADERS.recipientAuthority]),
      // the header counts on a retry topic only (elsewhere anybody upstream could have set it)
      sentOnTopic: topic.endsWith(RETRY_TOPIC_SUFFIX) ? headerText(headers[KAFKA_HEADERS.sentOnTopic]) : undefined,
    });
    addTo(this.byCorrelation, correlationId, id);
    if (decoded.summary) addTo(this.byEventId, decoded.summary.eventId, id);
    this.evictOldest();
  }

  private takeOutcome(message: KafkaMessage): void {
    const outcome = parseRedriveOutcome(message.value);
    if (!outcome) return;
    this.outcomes.set(outcome.deadLetterId, outcome);
    for (const listener of this.outcomeListeners) listener(outcome);
  }

  private async takeDeadLetter(id: string, topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const headers: IHeaders = message.headers ?? {};
    let info: DeadLetterInfo;
    try {
      info = deadLetterInfo(message);
    } catch (error) {
      // a record someone else put on the topic: still shown, with what is missing as its reason
      info = { reasonCode: 'unknown', reason: (error as Error).message, sourceTopic: '', sourcePartition: -1, sourceOffset: '', consumerGroup: '', failedAt: new Date(Number(message.timestamp)), attempts: 0 };
    }
    const decoded = await this.decode(message.value);
    this.deadLetters.set(id, {
      id,
      topic,
      partition,
      offset: message.offset,
      timestamp: new Date(Number(message.timestamp)).toISOString(),
      key: message.key?.toString() ?? null,
      reasonCode: info.reasonCode,
      reason: info.reason,
      sourceTopic: info.sourceTopic,
      sourcePartition: info.sourcePartition,
      sourceOffset: info.sourceOffset,
      consumerGroup: info.consumerGroup,
      failedAt: info.failedAt.toISOString(),
      attempts: info.attempts,
      correlationId: decoded.summary?.correlationId ?? headerText(headers[KAFKA_HEADERS.correlationId]) ?? null,
      eventType: decoded.summary?.eventType ?? headerText(headers[KAFKA_HEADERS.eventType]) ?? null,
      payload: decoded.payload,
      decodeError: decoded.error,
      redriven: false,
      record: { key: message.key, value: message.value, headers },
    });
    const ofTopic = [...this.deadLetters.keys()].filter((candidate) => candidate.startsWith(`${topic}/`));
    if (ofTopic.length > DEAD_LETTERS_PER_TOPIC) this.deadLetters.delete(ofTopic[0]);
    this.updatePending();
  }

  private async decode(value: Buffer | null): Promise<{ summary?: EventSummary; payload?: unknown; error?: string }> {
    try {
      const { event } = await (await this.codecOf()).decode(value);
      return { summary: summaryOf(event.envelope), payload: plain(event) };
    } catch (error) {
      // The dashboard holds no subject keys: of a sealed event it shows the envelope, never the content.
      if (error instanceof SealedEventError) return { summary: summaryOf(error.envelope), error: 'sealed: its content opens only with the subject key (crypto-shredding)' };
      const preview = value ? `${value.length} bytes: ${value.subarray(0, 48).toString('hex')}` : 'no value';
      return { error: `${(error as Error).message} (${preview})` };
    }
  }

  private codecOf(): Promise<EventCodec> {
    if (!this.codec) {
      this.codec = EventCodec.connect(this.schemaRegistryUrl);
      // a registry that was down must be asked again for the next record
      this.codec.catch(() => (this.codec = undefined));
    }
    return this.codec;
  }

  private evictOldest(): void {
    while (this.events.size > this.correlationLimit) {
      const [oldestId, oldest] = this.events.entries().next().value as [string, TracedEvent];
      this.events.delete(oldestId);
      removeFrom(this.byCorrelation, oldest.correlationId, oldestId);
      if (oldest.summary) removeFrom(this.byEventId, oldest.summary.eventId, oldestId);
    }
  }

  private updatePending(): void {
    const pending = new Map<string, number>();
    for (const deadLetter of this.deadLetters.values()) {
      pending.set(deadLetter.topic, (pending.get(deadLetter.topic) ?? 0) + (this.redriven.has(deadLetter.id) ? 0 : 1));
    }
    for (const [topic, count] of pending) this.metrics.deadLettersPending.set({ topic }, count);
  }
}

function summaryOf(envelope: EventEnvelope): EventSummary {
  return {
    eventType: envelope.eventType,
    eventId: envelope.eventId,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    occurredAt: envelope.occurredAt.toISOString(),
    source: { ...envelope.source },
    subject: { ...envelope.subject },
    subjectVersion: Number(envelope.subjectVersion),
  };
}

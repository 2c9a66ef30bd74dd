import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The metrics of one service process. One registry per process (not prom-client's global one), so tests
 * that run several services in one Jest worker keep their numbers apart.
 */
export class RegsyncMetrics {
  readonly registry = new Registry();

  readonly eventsConsumed = new Counter({ name: 'regsync_events_consumed_total', help: 'Events read from Kafka, by type and topic', labelNames: ['event_type', 'topic'], registers: [this.registry] });
  /** outcome: applied | held | duplicate | stale | gap_applied | irrelevant (a held event counts again when applied) */
  readonly eventsApplied = new Counter({ name: 'regsync_events_applied_total', help: 'Events processed by the inbox, by type and outcome', labelNames: ['event_type', 'outcome'], registers: [this.registry] });
  readonly eventsProduced = new Counter({ name: 'regsync_events_produced_total', help: 'Events published by the outbox relay, by type', labelNames: ['event_type'], registers: [this.registry] });
  readonly deadLetters = new Counter({ name: 'regsync_dead_letters_total', help: 'Events sent to the dead-letter topic, by reason code', labelNames: ['reason_code'], registers: [this.registry] });
  readonly retentionDeleted = new Counter({ name: 'regsync_retention_deleted_total', help: 'Records the retention job deleted because their retention ended, by table and kind of record', labelNames: ['table', 'record_kind'], registers: [this.registry] });
  readonly versionGaps = new Counter({ name: 'regsync_version_gaps_total', help: 'Events whose subject version skipped one or more versions', labelNames: ['event_type'], registers: [this.registry] });
  readonly handlerSeconds = new Histogram({
    name: 'regsync_handler_duration_seconds',
    help: 'Time to apply one event in its handler, by type',
    labelNames: ['event_type'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  /** From the sender's write (envelope.occurredAt, the outbox append) to the commit here: at a register, the whole routed path. */
  readonly eventLatencySeconds = new Histogram({
    name: 'regsync_event_latency_seconds',
    help: "Time from the sender's write of an event (occurredAt) to its commit at this consumer",
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({ name: 'regsync_batch_duration_seconds', help: 'Time to apply and commit one consumed batch', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });
  readonly outboxBacklog = new Gauge({ name: 'regsync_outbox_backlog', help: 'Outbox rows not yet published', registers: [this.registry] });
  readonly outboxOldestAgeSeconds = new Gauge({ name: 'regsync_outbox_oldest_age_seconds', help: 'Age of the oldest unpublished outbox row (0 when empty)', registers: [this.registry] });
  readonly heldSubjects = new Gauge({ name: 'regsync_held_subjects', help: 'Subjects whose later events are held at a gap, waiting for a missing version or an operator', labelNames: ['group'], registers: [this.registry] });
  readonly heldOldestAgeSeconds = new Gauge({ name: 'regsync_held_oldest_age_seconds', help: 'Age of the oldest held event of the consumer group (0 when none is held)', labelNames: ['group'], registers: [this.registry] });
  readonly consumerLag = new Gauge({ name: 'regsync_consumer_lag', help: 'Messages behind the end of each partition for this instance', labelNames: ['group', 'topic', 'partition'], registers: [this.registry] });
  // The following are set by the ops dashboard, the one process that sees every instance and every topic.
  readonly deadLettersPending = new Gauge({ name: 'regsync_dead_letters_pending', help: 'Dead letters on a dead-letter topic that were not re-driven yet', labelNames: ['topic'], registers: [this.registry] });
  readonly driftSubjects = new Gauge({ name: 'regsync_register_drift_subjects', help: 'Subjects whose replica differs from the authoritative register (missing, unexpected or different)', labelNames: ['dataset', 'replica'], registers: [this.registry] });
  readonly instanceUp = new Gauge({ name: 'regsync_instance_up', help: 'Whether an instance reports ready on /health (1) or not (0)', labelNames: ['app', 'instance_key'], registers: [this.registry] });

  /** e.g. { service: 'municipal-register', instance: '03404000' }: added to every series. */
  constructor(readonly defaultLabels: Record<string, string> = {}) {
    this.registry.setDefaultLabels(defaultLabels);
    collectDefaultMetrics({ register: this.registry });
  }
}

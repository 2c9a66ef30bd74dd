import { AdministrativeLevel, EventType } from './generated/events';

export interface TopicDefinition {
  name: string;
  partitions: number;
  /** What the record key is; Kafka keeps the order of records with the same key. */
  key: string;
  /** Avro namespace of the event records on this topic. */
  schemaNamespace: string;
  eventTypes: readonly EventType[];
}

/**
 * The logical event topics: they name the registry subjects of the event types (TopicRecordNameStrategy) and say
 * which events concern which kind of subject. Events travel on the outgoing and delivery topics below.
 */
export const EVENT_TOPICS = {
  person: {
    name: 'regsync.person.events.v1',
    partitions: 6,
    key: 'envelope.subject.id: the IdNr (the birth registration id before one is assigned)',
    schemaNamespace: 'de.regsync.person',
    eventTypes: ['BirthRecorded', 'IdNrRequested', 'IdNrAssigned', 'ResidenceRegistered', 'MovedOut', 'NameChanged', 'DeathRecorded', 'InformationBlockSet', 'InformationBlockLifted', 'ResidenceRestated', 'NamesRestated', 'PersonErased'],
  },
  parcel: {
    name: 'regsync.parcel.events.v1',
    partitions: 6,
    key: 'envelope.subject.id: the Flurstückskennzeichen',
    schemaNamespace: 'de.regsync.parcel',
    eventTypes: ['ParcelRecorded', 'ParcelChanged', 'ParcelLeftMunicipality', 'PropertyTaxBaseChanged', 'ParcelRestated'],
  },
} as const satisfies Record<string, TopicDefinition>;

/** Partitions of each register instance's outgoing topic and of each delivery topic; key = `envelope.subject.id`. */
export const OUTGOING_TOPIC_PARTITIONS = 6;
export const DELIVERY_TOPIC_PARTITIONS = 6;

const OUTGOING_PREFIX = 'regsync.out.';
const DELIVERY_PREFIX = 'regsync.deliveries.';
const STATE_PREFIX = 'regsync.state.';

/** The router (apps/router) is a service of its own: its consumer group, outbox relay and dead letters go by these. */
export const ROUTER_APP = 'router';
export const ROUTER_INSTANCE_KEY = 'main';

/** The app that runs the register instances of each level (and names their topics). */
export const APP_OF_LEVEL = {
  MUNICIPAL: 'municipal-register',
  STATE: 'state-register',
  FEDERAL: 'federal-register',
} as const satisfies Record<AdministrativeLevel, string>;

/**
 * The provider process that alone may write a topic (`regsync.out.<app>.<instanceKey>`) or reads it: `instanceKey` is
 * the provider id, the process's INSTANCE_KEY (for a process of one authority, that authority's key).
 */
export interface TopicOwner {
  app: string;
  instanceKey: string;
}

/**
 * `regsync.out.municipal-register.03404000`: every event a provider process sends, for every authority it hosts (the
 * sending authority in the envelope's `source.instanceKey`); only that process's principal may write it, so the topic
 * proves that the sender is one of the authorities it hosts. Only the router reads it.
 */
export function outgoingTopicOf(app: string, providerId: string, namespace = ''): string {
  return namespaced(`${OUTGOING_PREFIX}${app}.${providerId}`, namespace);
}

/**
 * `regsync.deliveries.municipal-register.03404000`: what the router delivers to the authorities one provider process
 * hosts (each event cut to the fields of that recipient's routes, the addressed authority in
 * `regsync-recipient-authority`); only the router writes it, only that process reads it.
 */
export function deliveryTopicOf(app: string, providerId: string, namespace = ''): string {
  return namespaced(`${DELIVERY_PREFIX}${app}.${providerId}`, namespace);
}

/**
 * `regsync.state.state-register.03`: compacted, keyed by subject; per subject the deliveries the router made to one
 * register instance (each cut to that recipient's routes), in one record, so a new database of the instance starts
 * from it instead of the whole delivery history; a subject erased or gone from the recipient is a tombstone. Only the
 * router writes it, only that instance reads it.
 */
export function stateTopicOf(app: string, instanceKey: string, namespace = ''): string {
  return namespaced(`${STATE_PREFIX}${app}.${instanceKey}`, namespace);
}

/**
 * The key of a subject's record on a state topic: the subject id; on a provider's topic, for an authority other than the
 * one whose key names the process, `<authority>/<subject id>`, so two hosted authorities holding one subject keep a
 * record each through compaction.
 */
export function stateRecordKeyOf(providerId: string, authority: string, subjectId: string): string {
  return authority === providerId ? subjectId : `${authority}/${subjectId}`;
}

/** The instance whose state topic this is, or undefined for any other topic (of the namespace). */
export function stateTopicReader(topic: string, namespace = ''): TopicOwner | undefined {
  return instanceOfTopic(topic, namespaced(STATE_PREFIX, namespace));
}

/** The provider process whose outgoing topic this is, or undefined for any other topic (of the namespace). */
export function outgoingTopicOwner(topic: string, namespace = ''): TopicOwner | undefined {
  return instanceOfTopic(topic, namespaced(OUTGOING_PREFIX, namespace));
}

/** The provider process whose delivery topic this is, or undefined for any other topic (of the namespace). */
export function deliveryTopicReader(topic: string, namespace = ''): TopicOwner | undefined {
  return instanceOfTopic(topic, namespaced(DELIVERY_PREFIX, namespace));
}

/** One authority and the provider process that hosts it (the provider id is its INSTANCE_KEY). */
export interface AuthorityHosting {
  app: string;
  authority: string;
  provider: string;
}

/**
 * The provider of each listed authority, `undefined` for one not listed. Every authority has one provider: its
 * outgoing events and its deliveries go by that provider's topics.
 */
export function providerIndexOf(hostings: readonly AuthorityHosting[]): (app: string, authority: string) => string | undefined {
  const providers = new Map<string, string>();
  for (const { app, authority, provider } of hostings) {
    const key = `${app}.${authority}`;
    const known = providers.get(key);
    if (known !== undefined && known !== provider) throw new Error(`topic catalog: ${app} ${authority} is hosted by both ${known} and ${provider}`);
    providers.set(key, provider);
  }
  return (app, authority) => providers.get(`${app}.${authority}`);
}

function instanceOfTopic(topic: string, prefix: string): TopicOwner | undefined {
  if (!topic.startsWith(prefix)) return undefined;
  const [app, instanceKey, ...rest] = topic.slice(prefix.length).split('.');
  return app && instanceKey && rest.length === 0 ? { app, instanceKey } : undefined;
}

/**
 * `regsync.outbox-progress.municipal-register.03404000`: compacted, the last transaction marker of one instance's outbox
 * relay (see libs/messaging/src/outbox-relay.ts). Its own topic, so only that instance's principal may write and read
 * it: a shared one let every instance overwrite another's marker and so make it resend or skip outbox rows.
 */
export function outboxProgressTopicOf(app: string, instanceKey: string, namespace = ''): string {
  return namespaced(`regsync.outbox-progress.${app}.${instanceKey}`, namespace);
}

/**
 * The data keys of the subjects whose sealed events `dataTopic` (an outgoing or delivery topic) carries, keyed by key
 * id, a tombstone once the subject is erased: written by whoever writes `dataTopic`, read only by whoever reads it.
 */
export function subjectKeyTopicOf(dataTopic: string): string {
  return `${dataTopic}.keys`;
}

/** What a topic is for; its settings (TOPIC_SETTINGS) follow from that. */
export type TopicKind = 'outgoing' | 'delivery' | 'state' | 'retry' | 'redrive-outcome' | 'dead-letter' | 'outbox-progress' | 'subject-keys';

export interface TopicSettings {
  partitions: number;
  /** Replicas on a cluster of three brokers or more (topicSettingsOf scales it down to the brokers there are). */
  replicationFactor: number;
  /** Topic configs set at creation; `min.insync.replicas` is for `replicationFactor` replicas. */
  config: Readonly<Record<string, string>>;
}

// The broker stamps every record with its own clock: a producer whose wall clock runs ahead is not refused (Kafka 4
// refuses CreateTime stamps more than an hour ahead, log.message.timestamp.after.max.ms: a writer 2 h ahead published
// nothing in the fault suite's clock-skew scenario), and replay by time follows one clock. An event's own time is its
// envelope's occurredAt.
const BROKER_TIME = { 'message.timestamp.type': 'LogAppendTime' } as const;
// Kept until deleted on purpose: erasure works by crypto-shredding, never by the broker expiring records.
const KEPT_FOREVER = { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1', 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false', ...BROKER_TIME } as const;

/**
 * The settings of every topic regsync creates, applied at creation (ensure-topics.ts) and by deploy/kafka/topics.yaml,
 * and verified at each start. Outgoing topics are the record of what a register sent, delivery topics what a register
 * is rebuilt from. Dead letters are kept forever as well: each is an event a register has not applied, and it stays
 * the operator's to re-drive or decide; letting the broker expire it after 30 days lost it silently. They are few
 * (only wrong events), and hold nothing their source topic does not hold already.
 */
export const TOPIC_SETTINGS = {
  outgoing: { partitions: OUTGOING_TOPIC_PARTITIONS, replicationFactor: 3, config: KEPT_FOREVER },
  delivery: { partitions: DELIVERY_TOPIC_PARTITIONS, replicationFactor: 3, config: KEPT_FOREVER },
  // Only each subject's latest record is state: compacted (tombstones of erased subjects removed after a day), kept forever.
  state: {
    partitions: DELIVERY_TOPIC_PARTITIONS,
    replicationFactor: 3,
    config: { 'cleanup.policy': 'compact', 'retention.ms': '-1', 'retention.bytes': '-1', 'delete.retention.ms': '86400000', 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false', ...BROKER_TIME },
  },
  // Part of what the group's register is rebuilt from. Few records (re-drives only): one partition, which keeps every
  // subject's re-drives in the order they were made and adds one partition per group, not one per delivery partition.
  retry: { partitions: 1, replicationFactor: 3, config: KEPT_FOREVER },
  // What became of each re-drive, the operator's record of it: few, kept like the dead letters themselves.
  'redrive-outcome': { partitions: 1, replicationFactor: 3, config: KEPT_FOREVER },
  'dead-letter': { partitions: 1, replicationFactor: 3, config: KEPT_FOREVER },
  // Only each relay's latest marker matters: compacted, and compacted soon (small segments, no lag).
  'outbox-progress': { partitions: 1, replicationFactor: 3, config: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2', 'min.compaction.lag.ms': '0', 'segment.ms': '3600000', ...BROKER_TIME } },
  // Only a key's latest record matters, and an erased key must leave the log (a broker backup taken later holds no
  // copy): compacted, a segment rolled at the first record after 10 minutes, and every segment compacted at the latest an
  // hour after its records (max.compaction.lag.ms), earlier once a tenth of the log is new; so an erased key's record is
  // gone within about an hour of its tombstone once the key topic has taken one more record (README: data protection).
  'subject-keys': {
    partitions: 1,
    replicationFactor: 3,
    config: { 'cleanup.policy': 'compact', 'min.insync.replicas': '2', 'min.compaction.lag.ms': '0', 'max.compaction.lag.ms': '3600000', 'segment.ms': '600000', 'min.cleanable.dirty.ratio': '0.1', ...BROKER_TIME },
  },
} as const satisfies Record<TopicKind, TopicSettings>;

/**
 * A kind's settings on a cluster of `brokers` brokers: as many replicas as there are brokers, up to the catalog's,
 * and one replica fewer in sync than there are (at least one), so a cluster of three survives losing one broker.
 */
export function topicSettingsOf(kind: TopicKind, brokers: number): TopicSettings {
  const settings: TopicSettings = TOPIC_SETTINGS[kind];
  const replicationFactor = Math.max(1, Math.min(settings.replicationFactor, brokers));
  const minInsync = Math.min(Number(settings.config['min.insync.replicas']), Math.max(1, replicationFactor - 1));
  return { ...settings, replicationFactor, config: { ...settings.config, 'min.insync.replicas': String(minInsync) } };
}

const topicByEventType = new Map<EventType, TopicDefinition>(
  Object.values(EVENT_TOPICS).flatMap((topic: TopicDefinition) => topic.eventTypes.map((eventType) => [eventType, topic] as const)),
);

export function topicOf(eventType: EventType): TopicDefinition {
  const topic = topicByEventType.get(eventType);
  if (!topic) throw new Error(`topic catalog: no topic carries ${eventType}`);
  return topic;
}

/** A topic or consumer group inside a namespace (tests, parallel environments); production uses none. */
export function namespaced(name: string, namespace = ''): string {
  return namespace ? `${namespace}.${name}` : name;
}

/** `regsync.municipal-register.03404000`: one consumer group per service instance. */
export function consumerGroupOf(app: string, instanceKey: string, namespace = ''): string {
  return namespaced(`regsync.${app}.${instanceKey}`, namespace);
}

/** The transactional id of an instance's outbox relay; also the key of its marker on the progress topic. */
export function relayIdOf(app: string, instanceKey: string, namespace = ''): string {
  return ['regsync-relay', namespace, app, instanceKey].filter(Boolean).join('.');
}

/** Dead letters of a consumer group: its own topic, so re-driving never disturbs other groups. */
export function deadLetterTopicOf(consumerGroup: string): string {
  return `${consumerGroup}.dlq`;
}

/**
 * `regsync.state-register.14.redrive`: the retry topic of a consumer group, where an operator re-drives the group's
 * dead letters (with `regsync-sent-on-topic` naming the topic each was first read from). Only operators write it, only
 * the group reads it: a re-drive never reaches another group reading the same topic, and nobody writes a shared
 * delivery topic or a sender's outgoing topic, whose records only the router or that sender writes.
 */
export function redriveTopicOf(consumerGroup: string): string {
  return `${consumerGroup}.redrive`;
}

/**
 * `regsync.state-register.14.redrive-outcomes`: what the group made of each record of its retry topic (applied,
 * duplicate, dropped as stale, dead-lettered again, held), written in the transaction of its inbox, keyed by the
 * dead letter's id; only the group writes it, operators read it.
 */
export function redriveOutcomeTopicOf(consumerGroup: string): string {
  return `${consumerGroup}.redrive-outcomes`;
}

/**
 * Every topic of one register process (an authority's own, or a provider's for all it hosts), with its kind: what a
 * process costs the broker, whatever the number of authorities it hosts.
 */
export function registerProcessTopics(app: string, providerId: string, namespace = ''): [string, TopicKind][] {
  const group = consumerGroupOf(app, providerId, namespace);
  return [
    [outgoingTopicOf(app, providerId, namespace), 'outgoing'],
    [deliveryTopicOf(app, providerId, namespace), 'delivery'],
    [subjectKeyTopicOf(outgoingTopicOf(app, providerId, namespace)), 'subject-keys'],
    [subjectKeyTopicOf(deliveryTopicOf(app, providerId, namespace)), 'subject-keys'],
    [stateTopicOf(app, providerId, namespace), 'state'],
    [deadLetterTopicOf(group), 'dead-letter'],
    [redriveTopicOf(group), 'retry'],
    [redriveOutcomeTopicOf(group), 'redrive-outcome'],
    [outboxProgressTopicOf(app, providerId, namespace), 'outbox-progress'],
  ];
}

/** Registry subject (TopicRecordNameStrategy, un-namespaced topic): one subject per event type. */
export function registrySubjectOf(eventType: EventType, fullName: string): string {
  return `${topicOf(eventType).name}-${fullName}`;
}

/** Registry subject of a delivery schema (delivery-schema.ts): one per recipient register and event type. */
export function deliveryRegistrySubjectOf(fullName: string): string {
  return `regsync.deliveries-${fullName}`;
}

import { EventType } from './generated/events';

export interface TopicDefinition {
  name: string;
  partitions: number;
  /** What the record key is; Kafka keeps the order of records with the same key. */
  key: string;
  /** Avro namespace of the event records on this topic. */
  schemaNamespace: string;
  eventTypes: readonly EventType[];
}

/** Every event topic. All events of one subject share a topic and are keyed by the subject id. */
export const EVENT_TOPICS = {
  person: {
    name: 'regsync.person.events.v1',
    partitions: 6,
    key: 'envelope.subject.id: the IdNr (the birth registration id before one is assigned)',
    schemaNamespace: 'de.regsync.person',
    eventTypes: ['BirthRecorded', 'IdNrRequested', 'IdNrAssigned', 'ResidenceRegistered', 'MovedOut', 'NameChanged', 'DeathRecorded', 'InformationBlockSet', 'InformationBlockLifted'],
  },
  parcel: {
    name: 'regsync.parcel.events.v1',
    partitions: 6,
    key: 'envelope.subject.id: the Flurstückskennzeichen',
    schemaNamespace: 'de.regsync.parcel',
    eventTypes: ['ParcelRecorded', 'ParcelChanged', 'ParcelLeftMunicipality', 'PropertyTaxBaseChanged'],
  },
} as const satisfies Record<string, TopicDefinition>;

/** Compacted: the last transaction marker of each outbox relay (see libs/messaging/src/outbox-relay.ts). */
export const OUTBOX_PROGRESS_TOPIC = 'regsync.outbox-progress';

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

/** `regsync.out.municipal-register.03404000`: the topic a register instance's outbox relay writes, and only it. */
export function outgoingTopicOf(app: string, instanceKey: string, namespace = ''): string {
  return namespaced(`regsync.out.${app}.${instanceKey}`, namespace);
}

/** `regsync.deliveries.municipal-register.03404000`: what the router delivers to one instance; only that instance reads it. */
export function deliveryTopicOf(app: string, instanceKey: string, namespace = ''): string {
  return namespaced(`regsync.deliveries.${app}.${instanceKey}`, namespace);
}

/** The transactional id of an instance's outbox relay; also the key of its marker on the progress topic. */
export function relayIdOf(app: string, instanceKey: string, namespace = ''): string {
  return ['regsync-relay', namespace, app, instanceKey].filter(Boolean).join('.');
}

/** Dead letters of a consumer group: its own topic, so re-driving never disturbs other groups. */
export function deadLetterTopicOf(consumerGroup: string): string {
  return `${consumerGroup}.dlq`;
}

/** Registry subject (TopicRecordNameStrategy, un-namespaced topic): one subject per event type. */
export function registrySubjectOf(eventType: EventType, fullName: string): string {
  return `${topicOf(eventType).name}-${fullName}`;
}

/** Registry subject of a delivery schema (delivery-schema.ts): one per recipient register and event type. */
export function deliveryRegistrySubjectOf(fullName: string): string {
  return `regsync.deliveries-${fullName}`;
}

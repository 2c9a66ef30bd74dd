import type { EventSchemaVersion } from './event-schemas';
import type { EventType } from './generated/events';
import { DELIVERY_TOPIC_PARTITIONS, EVENT_TOPICS, OUTGOING_TOPIC_PARTITIONS, TopicDefinition, deadLetterTopicOf, deliveryTopicOf, outgoingTopicOf, redriveOutcomeTopicOf, redriveTopicOf, registrySubjectOf } from './topic-catalog';

/** The Kafka header names regsync writes (libs/messaging's KAFKA_HEADERS): passed in, contracts does not import messaging. */
export interface EventHeaderNames {
  eventType: string;
  eventId: string;
  correlationId: string;
  traceparent: string;
  recipientRegister: string;
  recipientAuthority: string;
  previousDeliveredVersion: string;
  sentOnTopic: string;
  redriveOf: string;
  dlqReason: string;
  dlqReasonCode: string;
  dlqSourceTopic: string;
  dlqSourcePartition: string;
  dlqSourceOffset: string;
  dlqConsumerGroup: string;
  dlqFailedAt: string;
  dlqAttempts: string;
}

export interface AsyncApiSources {
  /** The schema each event type is written with (latestSchemas()). */
  schemas: ReadonlyMap<EventType, EventSchemaVersion>;
  headers: EventHeaderNames;
  /** Where the local stack's schema registry answers, e.g. http://127.0.0.1:8081. */
  schemaRegistryUrl: string;
}

export const AVRO_SCHEMA_FORMAT = 'application/vnd.apache.avro;version=1.9.0';
/** The apps of the register instances, which write an outgoing topic and read a delivery topic each. */
const REGISTER_APPS = ['municipal-register', 'state-register', 'federal-register'];
/** The apps whose instances consume (consumerGroupOf's `app`): each instance has a dead-letter topic of its own. */
const CONSUMER_APPS = [...REGISTER_APPS, 'router'];
const KAFKA_BINDING_VERSION = '0.5.0';
/** Event topics are created with min(3, brokers) replicas (libs/messaging/src/ensure-topics.ts); a cluster has 3. */
const CLUSTER_REPLICAS = 3;
type Json = Record<string, unknown>;

/**
 * The AsyncAPI 3.0 description of regsync's events, from the topic catalog and the released schemas: one channel per
 * topic kind (each instance's outgoing topic, each instance's delivery topic) with the Avro messages, keys, headers
 * and Kafka bindings, and the dead-letter topic of every consumer instance. For Java and other Kafka clients.
 */
export function asyncApiDocumentOf(sources: AsyncApiSources): Json {
  const topics = Object.entries(EVENT_TOPICS) as [string, TopicDefinition][];
  const messages: Json = Object.fromEntries(topics.flatMap(([, topic]) => topic.eventTypes.map((eventType) => [eventType, eventMessage(topic, eventType, sources)])));
  const eventTypes = topics.flatMap(([, topic]) => topic.eventTypes);
  const eventChannels = { outgoing: outgoingChannel(eventTypes), deliveries: deliveryChannel(eventTypes) };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'regsync events',
      version: '1.0.0',
      description:
        'Register events of regsync (German federal, state and municipal registers). Each register instance writes all its ' +
        'events to its outgoing topic; the router reads them, checks the sender against the topic (only the instance\'s ' +
        'principal may write it), and delivers each event, cut to the fields of the recipient\'s route in the routing ' +
        'catalog, to the delivery topic of every legal recipient, which only that instance reads. Every record: key = the subject (IdNr or ' +
        'Flurstückskennzeichen), value = Avro in Confluent wire format (magic byte 0, 4-byte schema id, Avro binary) against ' +
        'the schema registry (subjects `<topic>-<record full name>`, TopicRecordNameStrategy). Records are written in Kafka ' +
        'transactions: consume with `isolation.level=read_committed`. Each relay\'s compacted progress topic ' +
        '(regsync.outbox-progress.<app>.<instanceKey>) is internal and not described here.',
    },
    defaultContentType: 'application/octet-stream',
    servers: {
      local: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description: 'The broker of the local stack (npm start): PLAINTEXT, no authentication, one broker (replicas 1).',
        bindings: { kafka: { schemaRegistryUrl: sources.schemaRegistryUrl, schemaRegistryVendor: 'confluent', bindingVersion: KAFKA_BINDING_VERSION } },
      },
      cluster: {
        host: '{bootstrapServers}',
        protocol: 'kafka-secure',
        description: 'A production cluster as planned: TLS and SASL/SCRAM-SHA-512, one principal per service, ACLs from the topology (read only your own deliveries and group, write only your own topic). Not yet configured by the local stack.',
        variables: { bootstrapServers: { default: 'kafka-bootstrap:9093', description: 'the cluster\'s bootstrap address' } },
        security: [{ $ref: '#/components/securitySchemes/scramSha512' }],
      },
    },
    channels: { ...eventChannels, deadLetters: deadLetterChannel(), retry: retryChannel(eventTypes), redriveOutcomes: redriveOutcomeChannel() },
    operations: {
      sendEvents: {
        action: 'send',
        title: 'outgoing events',
        summary: 'A register instance writes every event it sends to its own outgoing topic, in order per subject.',
        channel: { $ref: '#/channels/outgoing' },
        messages: eventTypes.map((eventType) => ({ $ref: `#/channels/outgoing/messages/${eventType}` })),
      },
      receiveDeliveries: {
        action: 'receive',
        title: 'deliveries',
        summary: 'A register instance reads what the router delivered to it, and nothing else.',
        channel: { $ref: '#/channels/deliveries' },
        messages: eventTypes.map((eventType) => ({ $ref: `#/channels/deliveries/messages/${eventType}` })),
      },
      sendDeadLetters: {
        action: 'send',
        summary: 'A consumer instance moves a record it cannot apply (undecodable, invalid, not from the authoritative register) to its dead-letter topic, after bounded retries.',
        channel: { $ref: '#/channels/deadLetters' },
        messages: [{ $ref: '#/channels/deadLetters/messages/DeadLetter' }],
      },
    },
    components: {
      messages: { ...messages, DeadLetter: deadLetterMessage(sources.headers), RedriveOutcome: REDRIVE_OUTCOME_MESSAGE },
      correlationIds: {
        correlationId: { description: 'One citizen action (a move, a birth) → every resulting event in every register.', location: `$message.header#/${sources.headers.correlationId}` },
      },
      securitySchemes: { scramSha512: { type: 'scramSha512', description: 'SASL/SCRAM-SHA-512 over TLS, one user per service instance (planned; the local broker has none).' } },
    },
  };
}

const INSTANCE_PARAMETERS = {
  app: { enum: REGISTER_APPS, description: 'the app of the register process' },
  instanceKey: { description: 'the provider id of the process: for a process of one authority its AGS (municipal), Land code (state) or DE (federal); for a provider hosting several, its own key', examples: ['03404000', '14', 'DE', 'kommunal1'] },
};

function outgoingChannel(eventTypes: readonly EventType[]): Json {
  const address = outgoingTopicOf('{app}', '{instanceKey}');
  return {
    address,
    title: 'outgoing events of one register process',
    description: 'Every event the process sends for the authorities it hosts (the sender in envelope.source), whatever its type, with the full released schema; only the process\'s principal may write it, only the router reads it. Key: envelope.subject.id, so one subject\'s events stay in order.',
    parameters: INSTANCE_PARAMETERS,
    messages: Object.fromEntries(eventTypes.map((eventType) => [eventType, { $ref: `#/components/messages/${eventType}` }])),
    bindings: { kafka: { partitions: OUTGOING_TOPIC_PARTITIONS, replicas: CLUSTER_REPLICAS, topicConfiguration: { 'cleanup.policy': ['delete'] }, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

function deliveryChannel(eventTypes: readonly EventType[]): Json {
  const address = deliveryTopicOf('{app}', '{instanceKey}');
  return {
    address,
    title: 'deliveries to one register process',
    description:
      'What the router delivers to the instance: the events it has a legal basis for, each cut to the fields of its route (a delivery ' +
      'schema `de.regsync.delivery.<register>.<EventType>`, registry subject `regsync.deliveries-<full name>`, read with the writer\'s ' +
      'schema), the source envelope unchanged, and the headers regsync-recipient-register and regsync-recipient-authority. Only the router writes it, only the process reads it. ' +
      'Key: envelope.subject.id.',
    parameters: INSTANCE_PARAMETERS,
    messages: Object.fromEntries(eventTypes.map((eventType) => [eventType, { $ref: `#/components/messages/${eventType}` }])),
    bindings: { kafka: { partitions: DELIVERY_TOPIC_PARTITIONS, replicas: CLUSTER_REPLICAS, topicConfiguration: { 'cleanup.policy': ['delete'] }, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

const CONSUMER_PARAMETERS = {
  app: { enum: CONSUMER_APPS, description: 'the consuming app' },
  instanceKey: { description: "the instance: AGS (municipal), Land code (state), DE (federal) or the router's key", examples: ['03404000', '14', 'DE', 'main'] },
};

function retryChannel(eventTypes: readonly EventType[]): Json {
  return {
    address: redriveTopicOf('regsync.{app}.{instanceKey}'),
    title: "a consumer group's retry topic",
    description:
      'Dead letters of one consumer group re-driven by an operator: the original key, bytes and headers plus regsync-sent-on-topic, the topic it was ' +
      'first read from, by which the group judges it (authority of its delivery topic; for the router, the sender of the outgoing topic), and ' +
      "regsync-redrive-of. Never written onto a delivery topic other groups read, nor onto a sender's outgoing topic. Only the ops dashboard and the " +
      "replay tool write it, only the group reads it; it is part of what the group's register is rebuilt from.",
    parameters: CONSUMER_PARAMETERS,
    messages: Object.fromEntries(eventTypes.map((eventType) => [eventType, { $ref: `#/components/messages/${eventType}` }])),
    bindings: { kafka: { partitions: 1, replicas: CLUSTER_REPLICAS, topicConfiguration: { 'cleanup.policy': ['delete'] }, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

function redriveOutcomeChannel(): Json {
  return {
    address: redriveOutcomeTopicOf('regsync.{app}.{instanceKey}'),
    title: "what a consumer group made of each re-drive",
    description: 'One record per record the group read from its retry topic, written in the transaction of its inbox: applied, duplicate, dropped as stale, held, ignored or dead-lettered again. Only the group writes it; the ops dashboard and the replay tool read it.',
    parameters: CONSUMER_PARAMETERS,
    messages: { RedriveOutcome: { $ref: '#/components/messages/RedriveOutcome' } },
    bindings: { kafka: { partitions: 1, replicas: CLUSTER_REPLICAS, topicConfiguration: { 'cleanup.policy': ['delete'] }, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

/** libs/messaging's RedriveOutcome as JSON. */
const REDRIVE_OUTCOME_MESSAGE: Json = {
  name: 'RedriveOutcome',
  title: 'RedriveOutcome',
  summary: 'What a consumer group made of one re-driven dead letter.',
  contentType: 'application/json',
  payload: {
    type: 'object',
    required: ['deadLetterId', 'consumerGroup', 'redriven', 'eventId', 'kind', 'decidedAt'],
    properties: {
      deadLetterId: { type: 'string', format: 'uuid', description: 'the dead letter re-driven (regsync-redrive-of)' },
      consumerGroup: { type: 'string' },
      redriven: { type: 'object', description: 'the re-driven record on the retry topic', properties: { topic: { type: 'string' }, partition: { type: 'integer' }, offset: { type: 'string' } } },
      eventId: { type: ['string', 'null'] },
      kind: { type: 'string', enum: ['applied', 'duplicate', 'dropped-as-stale', 'held', 'ignored', 'dead-lettered-again'], description: 'dropped-as-stale: its subject had moved past its version; it was not applied' },
      previousVersion: { type: ['integer', 'null'], description: "the subject's version applied before" },
      subjectVersion: { type: 'integer' },
      reasonCode: { type: 'string', description: 'dead-lettered-again: the new reason code' },
      reason: { type: 'string' },
      newDeadLetterId: { type: 'string', format: 'uuid' },
      decidedAt: { type: 'string', format: 'date-time' },
    },
  },
  bindings: { kafka: { key: { type: 'string', description: "the dead letter's id" }, bindingVersion: KAFKA_BINDING_VERSION } },
};

function eventMessage(topic: TopicDefinition, eventType: EventType, { schemas, headers }: AsyncApiSources): Json {
  const written = schemas.get(eventType);
  if (!written) throw new Error(`asyncapi: no released schema for ${eventType} (schemas/)`);
  return {
    name: eventType,
    title: eventType,
    summary: written.schema.doc ?? eventType,
    description: `Avro record ${written.fullName}, version ${written.version} (${relativeSchemaFile(written.file)}); registry subject ${registrySubjectOf(eventType, written.fullName)}.`,
    headers: eventHeaders(headers, eventType),
    payload: { schemaFormat: AVRO_SCHEMA_FORMAT, schema: written.schema },
    correlationId: { $ref: '#/components/correlationIds/correlationId' },
    bindings: {
      kafka: {
        key: { type: 'string', description: topic.key },
        schemaIdLocation: 'payload',
        schemaIdPayloadEncoding: 'confluent',
        schemaLookupStrategy: 'TopicRecordNameStrategy',
        bindingVersion: KAFKA_BINDING_VERSION,
      },
    },
  };
}

function eventHeaders(headers: EventHeaderNames, eventType?: EventType): Json {
  return {
    type: 'object',
    required: [headers.eventType, headers.eventId, headers.correlationId, headers.traceparent],
    properties: {
      [headers.eventType]: { type: 'string', description: 'the record name without namespace, to route before decoding', ...(eventType ? { const: eventType } : {}) },
      [headers.eventId]: { type: 'string', format: 'uuid', description: 'envelope.eventId: consumers deduplicate on it' },
      [headers.correlationId]: { type: 'string', format: 'uuid', description: 'envelope.correlationId' },
      [headers.traceparent]: { type: 'string', pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$', description: 'W3C Trace Context of the write that produced the event' },
      [headers.recipientRegister]: { type: 'string', description: 'on a delivery topic only: the register of the receiving instance the router addressed (e.g. MELDEREGISTER)' },
      [headers.recipientAuthority]: {
        type: 'string',
        description: "on a delivery topic only: the authority the router addressed (AGS, Land code or DE); a provider's delivery topic carries every authority it hosts, and each record is applied as this one only",
      },
      [headers.previousDeliveredVersion]: {
        type: 'string',
        pattern: '^[1-9][0-9]*$',
        description: 'on a delivery topic only: the subject version of the event of the same subject and sender delivered to this topic before (absent: none); hold the event until that version is applied',
      },
      [headers.sentOnTopic]: { type: 'string', description: "on a consumer group's retry topic only: the topic the event was first read from (a delivery topic, or for the router the outgoing topic that names its sender); the group judges it as if read from there" },
      [headers.redriveOf]: { type: 'string', format: 'uuid', description: "on a consumer group's retry topic only: the id of the dead letter re-driven, the key of the group's outcome record" },
    },
  };
}

function deadLetterChannel(): Json {
  return {
    address: deadLetterTopicOf('regsync.{app}.{instanceKey}'),
    title: 'dead letters of one consumer instance',
    description: "Records a consumer instance (a register instance, or the router) could not apply, with the original key, bytes and headers and the reason; re-driven by the replay tool or the ops dashboard onto the instance's retry topic.",
    parameters: CONSUMER_PARAMETERS,
    messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
    bindings: { kafka: { partitions: 1, replicas: CLUSTER_REPLICAS, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

function deadLetterMessage(headers: EventHeaderNames): Json {
  const eventHeaderSchema = eventHeaders(headers) as { required: string[]; properties: Json };
  const dlqHeaders: Record<keyof EventHeaderNames & `dlq${string}`, string> = {
    dlqReasonCode: 'why, as a stable code (e.g. undecodable, source-mismatch, not-authoritative, invalid, invalid-text, implausible, subject-deceased, retries-exhausted)',
    dlqReason: 'why, for a person',
    dlqSourceTopic: 'the topic the record was read from',
    dlqSourcePartition: 'its partition',
    dlqSourceOffset: 'its offset',
    dlqConsumerGroup: 'the consumer group that failed',
    dlqFailedAt: 'when (ISO 8601)',
    dlqAttempts: 'how many attempts were made',
  };
  return {
    name: 'DeadLetter',
    title: 'DeadLetter',
    summary: 'A record one consumer instance could not apply: the original record and why it failed.',
    headers: {
      type: 'object',
      required: Object.keys(dlqHeaders).map((key) => headers[key as keyof EventHeaderNames]),
      properties: { ...eventHeaderSchema.properties, ...Object.fromEntries(Object.entries(dlqHeaders).map(([key, description]) => [headers[key as keyof EventHeaderNames], { type: 'string', description }])) },
    },
    payload: { type: 'string', format: 'binary', description: "the source record's value, byte for byte (usually one of the event messages; undecodable ones are kept as they came)" },
    bindings: { kafka: { key: { type: 'string', description: 'the source record\'s key' }, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

function relativeSchemaFile(file: string): string {
  const at = file.lastIndexOf('/schemas/');
  return at >= 0 ? file.slice(at + 1) : file;
}

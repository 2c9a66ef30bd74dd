import type { EventSchemaVersion } from './event-schemas';
import type { EventType } from './generated/events';
import { EVENT_TOPICS, TopicDefinition, deadLetterTopicOf, registrySubjectOf } from './topic-catalog';

/** The Kafka header names regsync writes (libs/messaging's KAFKA_HEADERS): passed in, contracts does not import messaging. */
export interface EventHeaderNames {
  eventType: string;
  eventId: string;
  correlationId: string;
  traceparent: string;
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
/** The apps whose instances consume (consumerGroupOf's `app`): each instance has a dead-letter topic of its own. */
const CONSUMER_APPS = ['municipal-register', 'state-register', 'federal-register'];
const KAFKA_BINDING_VERSION = '0.5.0';
/** Event topics are created with min(3, brokers) replicas (libs/messaging/src/ensure-topics.ts); a cluster has 3. */
const CLUSTER_REPLICAS = 3;
type Json = Record<string, unknown>;

/**
 * The AsyncAPI 3.0 description of regsync's events, from the topic catalog and the released schemas: one channel
 * per event topic with its Avro messages, keys, headers and Kafka bindings, and the dead-letter topic of every
 * consumer instance. For Java and other Kafka clients that consume the topics directly.
 */
export function asyncApiDocumentOf(sources: AsyncApiSources): Json {
  const topics = Object.entries(EVENT_TOPICS) as [string, TopicDefinition][];
  const messages: Json = Object.fromEntries(topics.flatMap(([, topic]) => topic.eventTypes.map((eventType) => [eventType, eventMessage(topic, eventType, sources)])));
  const eventChannels = Object.fromEntries(topics.map(([key, topic]) => [`${key}Events`, eventChannel(topic)]));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'regsync events',
      version: '1.0.0',
      description:
        'Register events of regsync (German federal, state and municipal registers). Every record: key = the subject (IdNr or ' +
        'Flurstückskennzeichen), value = Avro in Confluent wire format (magic byte 0, 4-byte schema id, Avro binary) against ' +
        'the schema registry (subjects `<topic>-<record full name>`, TopicRecordNameStrategy). Records are written in Kafka ' +
        'transactions: consume with `isolation.level=read_committed`. The relay\'s compacted progress topic ' +
        '(regsync.outbox-progress) is internal and not described here.',
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
    channels: { ...eventChannels, deadLetters: deadLetterChannel() },
    operations: {
      ...Object.fromEntries(
        topics.map(([key, topic]) => [
          `send${capitalised(key)}Events`,
          {
            action: 'send',
            title: `${topic.name}`,
            summary: `The registers authoritative for them write ${key} events, in order per subject.`,
            channel: { $ref: `#/channels/${key}Events` },
            messages: topic.eventTypes.map((eventType) => ({ $ref: `#/channels/${key}Events/messages/${eventType}` })),
          },
        ]),
      ),
      sendDeadLetters: {
        action: 'send',
        summary: 'A consumer instance moves a record it cannot apply (undecodable, invalid, not from the authoritative register) to its dead-letter topic, after bounded retries.',
        channel: { $ref: '#/channels/deadLetters' },
        messages: [{ $ref: '#/channels/deadLetters/messages/DeadLetter' }],
      },
    },
    components: {
      messages: { ...messages, DeadLetter: deadLetterMessage(sources.headers) },
      correlationIds: {
        correlationId: { description: 'One citizen action (a move, a birth) → every resulting event in every register.', location: `$message.header#/${sources.headers.correlationId}` },
      },
      securitySchemes: { scramSha512: { type: 'scramSha512', description: 'SASL/SCRAM-SHA-512 over TLS, one user per service instance (planned; the local broker has none).' } },
    },
  };
}

function eventChannel(topic: TopicDefinition): Json {
  return {
    address: topic.name,
    title: topic.name,
    description: `Events of one ${topic.schemaNamespace} subject share this topic and its key, so Kafka keeps their order. Key: ${topic.key}.`,
    messages: Object.fromEntries(topic.eventTypes.map((eventType) => [eventType, { $ref: `#/components/messages/${eventType}` }])),
    bindings: { kafka: { topic: topic.name, partitions: topic.partitions, replicas: CLUSTER_REPLICAS, topicConfiguration: { 'cleanup.policy': ['delete'] }, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

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
    },
  };
}

function deadLetterChannel(): Json {
  return {
    address: deadLetterTopicOf('regsync.{app}.{instanceKey}'),
    title: 'dead letters of one consumer instance',
    description: 'Records a consumer instance could not apply, with the original key, bytes and headers and the reason; re-driven to their source topic by the replay tool or the ops dashboard.',
    parameters: {
      app: { enum: CONSUMER_APPS, description: 'the consuming app' },
      instanceKey: { description: 'the instance: AGS (municipal), Land code (state) or DE (federal)', examples: ['03404000', '14', 'DE'] },
    },
    messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
    bindings: { kafka: { partitions: 1, replicas: CLUSTER_REPLICAS, bindingVersion: KAFKA_BINDING_VERSION } },
  };
}

function deadLetterMessage(headers: EventHeaderNames): Json {
  const eventHeaderSchema = eventHeaders(headers) as { required: string[]; properties: Json };
  const dlqHeaders: Record<keyof EventHeaderNames & `dlq${string}`, string> = {
    dlqReasonCode: 'why, as a stable code (e.g. undecodable, invalid, invalid-text, implausible, subject-deceased, retries-exhausted)',
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

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

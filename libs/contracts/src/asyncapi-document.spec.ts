import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { KAFKA_HEADERS } from './kafka-headers';
import { AVRO_SCHEMA_FORMAT, asyncApiDocumentOf } from './asyncapi-document';
import { latestSchemas } from './event-schemas';
import { DELIVERY_TOPIC_PARTITIONS, EVENT_TOPICS, OUTGOING_TOPIC_PARTITIONS, TopicDefinition } from './topic-catalog';

const schemas = latestSchemas();
const document = asyncApiDocumentOf({ schemas, headers: KAFKA_HEADERS, schemaRegistryUrl: 'http://127.0.0.1:8081' });
const eventTypes = (Object.values(EVENT_TOPICS) as TopicDefinition[]).flatMap((topic) => topic.eventTypes);

describe('the AsyncAPI document of the topic catalog', () => {
  it('parses with the AsyncAPI parser (Avro payloads included) without a single error', async () => {
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document: parsed, diagnostics } = await parser.parse(JSON.stringify(document));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
    const addresses = parsed?.channels().all().map((channel) => channel.address());
    expect(addresses).toEqual(expect.arrayContaining(['regsync.out.{app}.{instanceKey}', 'regsync.deliveries.{app}.{instanceKey}', 'regsync.{app}.{instanceKey}.dlq', 'regsync.{app}.{instanceKey}.redrive', 'regsync.{app}.{instanceKey}.redrive-outcomes']));
    // The Avro parser turned every payload into a schema with the record's fields: it read each one.
    for (const [eventType, written] of schemas) {
      const payload = parsed?.components().messages().get(eventType)?.payload();
      expect([eventType, Object.keys(payload?.properties() ?? {})]).toEqual([eventType, written.schema.fields.map((field) => field.name)]);
    }
  });

  it('has a channel for the outgoing and for the delivery topics, each carrying every event type with its latest schema as Avro payload', () => {
    const channels = Object.values(document.channels as Record<string, { address: string; messages: Record<string, { $ref: string }>; bindings: { kafka: Record<string, unknown> } }>);
    const messages = (document.components as { messages: Record<string, { payload: { schemaFormat: string; schema: unknown }; headers: { properties: Record<string, unknown> }; bindings: { kafka: Record<string, unknown> } }> }).messages;
    for (const [address, partitions] of [['regsync.out.{app}.{instanceKey}', OUTGOING_TOPIC_PARTITIONS], ['regsync.deliveries.{app}.{instanceKey}', DELIVERY_TOPIC_PARTITIONS]] as const) {
      const channel = channels.find((candidate) => candidate.address === address);
      expect(channel?.bindings.kafka).toMatchObject({ partitions });
      expect(Object.keys(channel?.messages ?? {}).sort()).toEqual([...eventTypes].sort());
      for (const eventType of eventTypes) {
        expect(messages[eventType].payload).toEqual({ schemaFormat: AVRO_SCHEMA_FORMAT, schema: schemas.get(eventType)?.schema });
        expect(messages[eventType].bindings.kafka).toMatchObject({ key: { type: 'string' }, schemaIdLocation: 'payload', schemaIdPayloadEncoding: 'confluent' });
        expect(Object.keys(messages[eventType].headers.properties)).toEqual([KAFKA_HEADERS.eventType, KAFKA_HEADERS.eventId, KAFKA_HEADERS.correlationId, KAFKA_HEADERS.traceparent, KAFKA_HEADERS.recipientRegister, KAFKA_HEADERS.recipientAuthority, KAFKA_HEADERS.previousDeliveredVersion, KAFKA_HEADERS.sentOnTopic, KAFKA_HEADERS.redriveOf]);
      }
    }
    expect(Object.keys(messages).sort()).toEqual([...eventTypes, 'DeadLetter', 'RedriveOutcome'].sort());
  });

  it('names every header regsync writes, the regsync-dlq-* ones on the dead-letter message', () => {
    const deadLetter = (document.components as { messages: { DeadLetter: { headers: { properties: Record<string, unknown> } } } }).messages.DeadLetter;
    expect(Object.keys(deadLetter.headers.properties).sort()).toEqual(Object.values(KAFKA_HEADERS).sort());
  });
});

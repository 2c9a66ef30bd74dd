import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { instanceDatabaseName, dropDatabase } from '@regsync/persistence/databases';
import { startTestSchemaRegistry } from '@regsync/schema-registry-testing/test-schema-registry';
import { EventCodec, EventDecodeError, EventEncodeError, SchemaRegistryUnavailableError, SealedEventError, SubjectKeyErasedError, UnknownEventTypeError } from '@regsync/contracts/event-encoding';
import { schemaRegistryConnectionOf } from '@regsync/contracts/registry-protocol';
import { ROUTING_CATALOG } from '@regsync/register-domain/routing';
import { EVENT_TYPES, RegsyncEvent } from '@regsync/contracts/generated/events';
import { sampleEvent } from '@regsync/contracts/sample-events';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const namespace = `codec_${randomUUID().slice(0, 8)}`;
const TIMESTAMP_FIELDS = new Set(['occurredAt']);

/** What a plain Avro reader without logical types sees: timestamps as epoch millis, dates as epoch days. */
function asPlainAvro(value: unknown, key = ''): unknown {
  if (value instanceof Date) return TIMESTAMP_FIELDS.has(key) ? value.getTime() : value.getTime() / 86_400_000;
  if (Array.isArray(value)) return value.map((item) => asPlainAvro(item));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asPlainAvro(v, k)]));
  return value;
}

describe('EventCodec with the schema registry', () => {
  let registryApp: INestApplication;
  let registryUrl: string;
  let codec: EventCodec;

  beforeAll(async () => {
    const registry = await startTestSchemaRegistry({ databaseUrl: serverUrl, namespace });
    registryApp = registry.app;
    registryUrl = registry.url;
    codec = await EventCodec.connect(registryUrl);
  });

  afterAll(async () => {
    await registryApp?.close();
    await dropDatabase(serverUrl, instanceDatabaseName('schema_registry', undefined, namespace));
  });

  it.each(EVENT_TYPES)('encodes %s so that the standard Confluent client decodes the same values', async (eventType) => {
    const event = sampleEvent(eventType);
    const bytes = codec.encode(event);

    expect(bytes.readUInt8(0)).toBe(0);
    expect(bytes.readUInt32BE(1)).toBe(codec.schemaIdOf(eventType));
    expect(await new SchemaRegistry({ host: new URL(registryUrl).origin }).decode(bytes)).toEqual(asPlainAvro(event));
    expect(await codec.decode(bytes)).toEqual({ eventType, event, schemaId: codec.schemaIdOf(eventType) });
  });

  it.each(EVENT_TYPES)('seals %s so that the Confluent client reads the clear envelope, and a reader with the key the whole event', async (eventType) => {
    const event = sampleEvent(eventType);
    const subjectKey = { id: randomUUID(), key: randomBytes(32) };
    const bytes = codec.encodeSealed(event, subjectKey);

    const seen = (await new SchemaRegistry({ host: new URL(registryUrl).origin }).decode(bytes)) as { envelope: unknown; keyId: string };
    expect(seen.envelope).toEqual(asPlainAvro(event.envelope));
    expect(seen.keyId).toBe(subjectKey.id);
    const reader = await EventCodec.connect(registryUrl);
    expect(await reader.decode(bytes, async (keyId) => (keyId === subjectKey.id ? subjectKey.key : undefined))).toEqual({ eventType, event, schemaId: codec.schemaIdOf(eventType), subjectKey });
    await expect(reader.decode(bytes)).rejects.toThrow(SealedEventError);
    await expect(reader.decode(bytes, async () => undefined)).rejects.toThrow(SubjectKeyErasedError);
    await expect(reader.decode(bytes, async () => randomBytes(32))).rejects.toThrow(EventDecodeError);
  });

  it.each(ROUTING_CATALOG.map((route) => [route.eventType, route.recipient, route] as const))(
    'delivers %s to %s with the route fields only, decoded by any codec',
    async (eventType, recipient, route) => {
      const event = sampleEvent(eventType) as unknown as RegsyncEvent & Record<string, unknown>;
      const bytes = await codec.encodeDelivery(event, recipient, route.fields);
      const expected = Object.fromEntries(Object.entries(event).filter(([field]) => field === 'envelope' || route.fields.includes(field)));

      const decoded = await (await EventCodec.connect(registryUrl)).decode(bytes);
      expect(decoded.eventType).toBe(eventType);
      expect(decoded.event).toEqual(expected);
      expect(await codec.encodeDelivery(event, recipient, route.fields)).toEqual(bytes);
    },
  );

  it('registers every schema once: a second service gets the same ids', async () => {
    const second = await EventCodec.connect(registryUrl);
    for (const eventType of EVENT_TYPES) expect(second.schemaIdOf(eventType)).toBe(codec.schemaIdOf(eventType));
  });

  it('without writer credentials reads the ids the writers registered, and never names the password in its errors', async () => {
    const { origin, password } = new URL(registryUrl);
    const reader = await EventCodec.connect(origin);
    for (const eventType of EVENT_TYPES) expect(reader.schemaIdOf(eventType)).toBe(codec.schemaIdOf(eventType));
    const notYetRegistered = EventCodec.unconnected(registryUrl);
    expect(() => notYetRegistered.encode(sampleEvent('MovedOut'))).toThrow(`the schema registry at ${origin} has not been reached yet`);
    expect(password.length).toBeGreaterThan(0);
  });

  it('refuses to encode an event that does not fit its schema, naming the fields', () => {
    const event = sampleEvent('MovedOut');
    const broken = { ...event, movedOutOn: 'yesterday', toMunicipalityKey: undefined } as unknown as typeof event;
    expect(() => codec.encode(broken)).toThrow(EventEncodeError);
    expect(() => codec.encode(broken)).toThrow(/movedOutOn.*toMunicipalityKey|toMunicipalityKey.*movedOutOn/);
  });

  it('reports bytes that are not regsync events as permanent decode errors', async () => {
    await expect(codec.decode(Buffer.from('{"json":"not avro"}'))).rejects.toThrow(new EventDecodeError('not in Confluent wire format: magic byte 123'));
    await expect(codec.decode(Buffer.from([0, 0, 0, 0x7f, 0x7f, 1]))).rejects.toThrow(EventDecodeError);
    const truncated = codec.encode(sampleEvent('NameChanged')).subarray(0, 12);
    await expect(codec.decode(truncated)).rejects.toThrow(/does not match schema/);
  });

  it('reports a registry that went away as unavailable (the consumer pauses), not as a failure of the event, for decoding and for delivery schemas', async () => {
    const ownNamespace = `${namespace}_down`;
    const ownRegistry = await startTestSchemaRegistry({ databaseUrl: serverUrl, namespace: ownNamespace });
    let running = true;
    try {
      const ownCodec = await EventCodec.connect(ownRegistry.url);
      const route = ROUTING_CATALOG[0];
      const event = sampleEvent(route.eventType) as unknown as RegsyncEvent;
      const bytes = codec.encode(event);
      await ownRegistry.app.close();
      running = false;
      await expect(ownCodec.encodeDelivery(event, route.recipient, route.fields)).rejects.toThrow(SchemaRegistryUnavailableError);
      await expect(ownCodec.decode(bytes)).rejects.toThrow(SchemaRegistryUnavailableError);
    } finally {
      if (running) await ownRegistry.app.close();
      await dropDatabase(serverUrl, instanceDatabaseName('schema_registry', undefined, ownNamespace));
    }
  });

  it('tells an event type newer than this service (a rolling upgrade: wait for the upgrade) from a record that is no regsync event', async () => {
    const { url, auth } = schemaRegistryConnectionOf(registryUrl);
    const registry = new SchemaRegistry({ host: url, auth: auth && { ...auth } });
    const framedWith = (id: number, body: Buffer) => Buffer.concat([Buffer.from([0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255]), body]);
    const recordOf = (namespace: string) => ({ type: 'record', name: 'PassportIssued', namespace, fields: [{ name: 'idnr', type: 'string' }] });
    const newer = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(recordOf('de.regsync.person')) }, { subject: 'regsync.person.events.v1-de.regsync.person.PassportIssued' });
    const foreign = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(recordOf('com.example')) }, { subject: 'other-com.example.PassportIssued' });
    const body = Buffer.from([2, 65]);

    await expect(codec.decode(framedWith(newer.id, body))).rejects.toThrow(UnknownEventTypeError);
    await expect(codec.decode(framedWith(newer.id, body))).rejects.toThrow(/de\.regsync\.person\.PassportIssued, an event type this service does not know yet/);
    await expect(codec.decode(framedWith(foreign.id, body))).rejects.toThrow(new EventDecodeError(`schema ${foreign.id} (PassportIssued) is not a regsync event`));
  });
});

import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import { avroType, invalidPaths } from './avro-types';
import { deliverySchemaOf, isDeliverySchema } from './delivery-schema';
import { EventSchemaVersion, latestSchemas } from './event-schemas';
import { EVENT_TYPES, EventType, RegsyncEvent } from './generated/events';
import { deliveryRegistrySubjectOf, registrySubjectOf } from './topic-catalog';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

/** Bytes that can never become an event (bad framing, unknown schema, corrupt Avro): a permanent fault. */
export class EventDecodeError extends Error {}

/** The codec has not yet registered its schemas (the registry was not reachable yet): try again shortly. */
export class EventCodecNotReadyError extends Error {
  constructor(registryUrl: string) {
    super(`the schema registry at ${registryUrl} has not been reached yet`);
  }
}

/** An event that does not fit its own schema; names every offending field. */
export class EventEncodeError extends Error {
  constructor(
    readonly eventType: string,
    readonly paths: string[],
  ) {
    super(`${eventType} does not match its schema at: ${paths.join(', ')}`);
  }
}

export interface DecodedEvent {
  eventType: EventType;
  event: RegsyncEvent;
  schemaId: number;
}

interface LocalSchema {
  version: EventSchemaVersion;
  type: avro.Type;
  schemaId: number;
}

interface DeliveryWriter {
  type: avro.Type;
  schemaId: number;
}

interface WriterSchema {
  eventType: EventType;
  read: (payload: Buffer) => RegsyncEvent;
}

/**
 * Confluent wire format (byte 0, 4-byte schema id, Avro binary) for regsync events. Encoding uses the latest
 * local schema of the event type; decoding resolves the writer's schema (fetched once per id from the registry)
 * against the local one, so readers and writers on neighbouring schema versions understand each other.
 */
export class EventCodec {
  private readonly writers = new Map<number, Promise<WriterSchema>>();
  private readonly deliveryWriters = new Map<string, Promise<DeliveryWriter>>();
  private registry?: SchemaRegistry;
  private local?: Map<EventType, LocalSchema>;
  private markConnected!: () => void;
  private readonly connected = new Promise<void>((resolve) => (this.markConnected = resolve));

  private constructor(
    private readonly registryUrl: string,
    private readonly schemasDir?: string,
  ) {}

  /** Registers every local schema (idempotent: the registry returns existing ids) and returns a ready codec. */
  static async connect(registryUrl: string, schemasDir?: string): Promise<EventCodec> {
    const codec = EventCodec.unconnected(registryUrl, schemasDir);
    await codec.register();
    return codec;
  }

  /**
   * A codec whose `register()` is still to come (a service starts before its registry answers): `encode` refuses
   * with EventCodecNotReadyError until then, `decode` waits for it.
   */
  static unconnected(registryUrl: string, schemasDir?: string): EventCodec {
    return new EventCodec(registryUrl, schemasDir);
  }

  /** Registers the local schemas once; a failure (registry unreachable) may be retried. */
  async register(): Promise<void> {
    if (this.local) return;
    const registry = new SchemaRegistry({ host: this.registryUrl });
    const local = new Map<EventType, LocalSchema>();
    for (const version of latestSchemas(this.schemasDir).values()) {
      const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(version.schema) }, {
        subject: registrySubjectOf(version.eventType, version.fullName),
        // the same level the compatibility gate enforces (npm run schemas:check)
        compatibility: COMPATIBILITY.FULL_TRANSITIVE,
      });
      local.set(version.eventType, { version, type: avroType(version.schema), schemaId: id });
    }
    this.registry = registry;
    this.local = local;
    this.markConnected();
  }

  /** Resolves once the schemas are registered. */
  whenRegistered(): Promise<void> {
    return this.connected;
  }

  schemaIdOf(eventType: EventType): number {
    return this.localOf(eventType).schemaId;
  }

  encode(event: RegsyncEvent): Buffer {
    const eventType = event.envelope.eventType as EventType;
    const { type, schemaId } = this.localOf(eventType);
    const paths = invalidPaths(type, event);
    if (paths.length > 0) throw new EventEncodeError(eventType, paths);
    return framed(schemaId, type.toBuffer(event));
  }

  /**
   * The event cut to `fields` (the envelope always kept), in Confluent's wire format with the delivery schema of that
   * recipient register (delivery-schema.ts), registered on first use. What a route leaves out is not in the bytes.
   */
  async encodeDelivery(event: RegsyncEvent, recipientRegister: string, fields: readonly string[]): Promise<Buffer> {
    const eventType = event.envelope.eventType as EventType;
    const { type, schemaId } = await this.deliveryWriterOf(eventType, recipientRegister, fields);
    const projected = Object.fromEntries(Object.entries(event).filter(([field]) => field === 'envelope' || fields.includes(field)));
    const paths = invalidPaths(type, projected);
    if (paths.length > 0) throw new EventEncodeError(eventType, paths);
    return framed(schemaId, type.toBuffer(projected));
  }

  async decode(bytes: Buffer | null): Promise<DecodedEvent> {
    if (!bytes || bytes.length < HEADER_LENGTH) throw new EventDecodeError(`not in Confluent wire format: ${bytes?.length ?? 0} bytes`);
    if (bytes.readUInt8(0) !== MAGIC_BYTE) throw new EventDecodeError(`not in Confluent wire format: magic byte ${bytes.readUInt8(0)}`);
    const schemaId = bytes.readUInt32BE(1);
    await this.connected;
    const writer = await this.writerOf(schemaId);
    try {
      return { eventType: writer.eventType, event: writer.read(bytes.subarray(HEADER_LENGTH)), schemaId };
    } catch (error) {
      throw new EventDecodeError(`Avro payload does not match schema ${schemaId}: ${(error as Error).message}`);
    }
  }

  private localOf(eventType: EventType): LocalSchema {
    if (!this.local) throw new EventCodecNotReadyError(this.registryUrl);
    const local = this.local.get(eventType);
    if (!local) throw new EventEncodeError(eventType, ['envelope.eventType']);
    return local;
  }

  private deliveryWriterOf(eventType: EventType, recipientRegister: string, fields: readonly string[]): Promise<DeliveryWriter> {
    const key = `${eventType} ${recipientRegister} ${fields.join(',')}`;
    let writer = this.deliveryWriters.get(key);
    if (!writer) {
      writer = this.registerDeliverySchema(eventType, recipientRegister, fields);
      this.deliveryWriters.set(key, writer);
      writer.catch(() => this.deliveryWriters.delete(key));
    }
    return writer;
  }

  private async registerDeliverySchema(eventType: EventType, recipientRegister: string, fields: readonly string[]): Promise<DeliveryWriter> {
    await this.connected;
    const schema = deliverySchemaOf(this.localOf(eventType).version.schema, recipientRegister, fields);
    const { id } = await this.registry!.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, {
      subject: deliveryRegistrySubjectOf(`${schema.namespace}.${schema.name}`),
      // a delivery is read with its writer's schema (decode), so a route that gains or loses a field needs no gate
      compatibility: COMPATIBILITY.NONE,
    });
    return { type: avroType(schema), schemaId: id };
  }

  private writerOf(schemaId: number): Promise<WriterSchema> {
    let writer = this.writers.get(schemaId);
    if (!writer) {
      writer = this.fetchWriter(schemaId);
      this.writers.set(schemaId, writer);
      // a failed lookup (registry down) must be retried, not remembered
      writer.catch(() => this.writers.delete(schemaId));
    }
    return writer;
  }

  private async fetchWriter(schemaId: number): Promise<WriterSchema> {
    const response = await fetch(`${this.registryUrl}/schemas/ids/${schemaId}`);
    if (response.status === 404) throw new EventDecodeError(`unknown schema id ${schemaId}`);
    if (!response.ok) throw new Error(`schema registry answered ${response.status} for schema ${schemaId}`);
    const { schema } = (await response.json()) as { schema: string };
    const writerSchema = JSON.parse(schema) as { name?: string; namespace?: string };
    const eventType = writerSchema.name as EventType;
    if (!EVENT_TYPES.includes(eventType)) throw new EventDecodeError(`schema ${schemaId} (${writerSchema.name}) is not a regsync event`);
    if (isDeliverySchema(writerSchema)) {
      const delivery = avroType(writerSchema);
      return { eventType, read: (payload) => delivery.fromBuffer(payload) as RegsyncEvent };
    }
    const reader = this.localOf(eventType).type;
    const writerType = avroType(writerSchema);
    if (writerType.equals(reader)) return { eventType, read: (payload) => reader.fromBuffer(payload) as RegsyncEvent };
    let resolver: avro.Resolver;
    try {
      resolver = reader.createResolver(writerType);
    } catch (error) {
      throw new EventDecodeError(`local ${eventType} schema cannot read schema ${schemaId}: ${(error as Error).message}`);
    }
    return { eventType, read: (payload) => reader.fromBuffer(payload, resolver) as RegsyncEvent };
  }
}

function framed(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import * as avro from 'avsc';
import { avroType, invalidPaths } from './avro-types';
import { deliverySchemaOf, isDeliverySchema } from './delivery-schema';
import { EventSchemaVersion, latestSchemas } from './event-schemas';
import { EVENT_TYPES, EventType, RegsyncEvent } from './generated/events';
import { basicAuthorization, SchemaRegistryConnection, schemaRegistryConnectionOf } from './schema-registry-connection';
import { innerEventOf, open, seal, SEALED_EVENT_NAME, SEALED_EVENT_SUBJECT, SealedEvent, sealedEventSchemaOf, SubjectKey } from './sealed-event';
import { deliveryRegistrySubjectOf, registrySubjectOf } from './topic-catalog';

const MAGIC_BYTE = 0;
const HEADER_LENGTH = 5;

/** Bytes that can never become an event (bad framing, unknown schema, corrupt Avro): a permanent fault. */
export class EventDecodeError extends Error {}

/** The registry could not be asked (unreachable, or it answered with a server error): try again later, not the event's fault. */
export class SchemaRegistryUnavailableError extends Error {}

/**
 * A regsync event type this reader does not know yet, whose schema the registry has (a newer service wrote it during
 * a rolling upgrade): the reader must wait for its own upgrade, not reject the event.
 */
export class UnknownEventTypeError extends Error {}

// Every regsync event record is named in this namespace (schemas/, delivery-schema.ts); other names are no events of ours.
const EVENT_NAMESPACE_PREFIX = 'de.regsync.';

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

/**
 * A sealed event whose subject key is gone: its subject was erased (crypto-shredding). Not a fault: the event is
 * skipped and counted, never dead-lettered or applied.
 */
export class SubjectKeyErasedError extends Error {
  constructor(readonly envelope: RegsyncEvent['envelope']) {
    super(`${envelope.eventType} ${envelope.eventId}: the key of its subject is erased`);
  }
}

/** A sealed event read without subject keys: its envelope (readable without them) is all there is. */
export class SealedEventError extends EventDecodeError {
  constructor(readonly envelope: RegsyncEvent['envelope']) {
    super(`${envelope.eventType} ${envelope.eventId} is sealed and this reader holds no subject keys`);
  }
}

export interface DecodedEvent {
  eventType: EventType;
  event: RegsyncEvent;
  schemaId: number;
  /** The key a sealed event was opened with (the router seals its deliveries with it again). */
  subjectKey?: SubjectKey;
}

/**
 * Where a reader finds the data key a sealed event names; undefined: there is none (erased). `sentAt` (ms since the
 * epoch): when the record naming the key was written, for a source that can only be sure of an absence some time after.
 */
export type SubjectKeySource = (keyId: string, sentAt?: number) => Promise<Buffer | undefined>;

interface LocalSchema {
  version: EventSchemaVersion;
  type: avro.Type;
  schemaId: number;
}

interface DeliveryWriter {
  type: avro.Type;
  schemaId: number;
}

type WriterSchema = { eventType: EventType; read: (payload: Buffer) => RegsyncEvent } | { sealed: (payload: Buffer) => SealedEvent };

interface SealedWriter {
  type: avro.Type;
  schemaId: number;
}

/**
 * Confluent wire format (byte 0, 4-byte schema id, Avro binary) for regsync events. Encoding uses the latest
 * local schema of the event type; decoding resolves the writer's schema (fetched once per id from the registry)
 * against the local one, so readers and writers on neighbouring schema versions understand each other.
 */
export class EventCodec {
  private readonly writers = new Map<number, Promise<WriterSchema>>();
  private readonly deliveryWriters = new Map<string, Promise<DeliveryWriter>>();
  private registryClient?: SchemaRegistry;
  private local?: Map<EventType, LocalSchema>;
  private sealedWriter?: SealedWriter;
  private markConnected!: () => void;
  private readonly connected = new Promise<void>((resolve) => (this.markConnected = resolve));

  private readonly registry: SchemaRegistryConnection;

  /** `registryUrl` may carry the writer's credentials: `http://user:password@host:8081` (see schema-registry-connection.ts). */
  private constructor(
    registryUrl: string,
    private readonly schemasDir?: string,
  ) {
    this.registry = schemaRegistryConnectionOf(registryUrl);
  }

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
    const registry = new SchemaRegistry({ host: this.registry.url, auth: this.registry.auth && { ...this.registry.auth } });
    const local = new Map<EventType, LocalSchema>();
    for (const version of latestSchemas(this.schemasDir).values()) {
      const id = await registeredIdOf(registry, { type: SchemaType.AVRO, schema: JSON.stringify(version.schema) }, registrySubjectOf(version.eventType, version.fullName));
      local.set(version.eventType, { version, type: avroType(version.schema), schemaId: id });
    }
    const sealedSchema = sealedEventSchemaOf([...latestSchemas(this.schemasDir).values()][0].schema);
    const sealedId = await registeredIdOf(registry, { type: SchemaType.AVRO, schema: JSON.stringify(sealedSchema) }, SEALED_EVENT_SUBJECT);
    this.sealedWriter = { type: avroType(sealedSchema), schemaId: sealedId };
    this.registryClient = registry;
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

  /** `encode`, sealed with the subject's key: the envelope stays readable, the rest only with the key. */
  encodeSealed(event: RegsyncEvent, subjectKey: SubjectKey): Buffer {
    return this.sealed(event, this.encode(innerEventOf(event)), subjectKey);
  }

  /** `encodeDelivery`, sealed with the subject's key. */
  async encodeSealedDelivery(event: RegsyncEvent, recipientRegister: string, fields: readonly string[], subjectKey: SubjectKey): Promise<Buffer> {
    return this.sealed(event, await this.encodeDelivery(innerEventOf(event), recipientRegister, fields), subjectKey);
  }

  private sealed(event: RegsyncEvent, framedEvent: Buffer, subjectKey: SubjectKey): Buffer {
    if (!this.sealedWriter) throw new EventCodecNotReadyError(this.registry.url);
    const { type, schemaId } = this.sealedWriter;
    return framed(schemaId, type.toBuffer({ envelope: event.envelope, ...seal(framedEvent, event.envelope, subjectKey) }));
  }

  /**
   * The event in `bytes`; a sealed one is opened with the key `keys` finds for it (its clear envelope, which carries the
   * subject version, replaces the sealed one). Throws SubjectKeyErasedError when there is no key, EventDecodeError when
   * it is sealed and this reader has no keys at all or the key does not open it.
   */
  async decode(bytes: Buffer | null, keys?: SubjectKeySource): Promise<DecodedEvent> {
    const { schemaId, writer, payload } = await this.writerOfBytes(bytes);
    if ('eventType' in writer) return { eventType: writer.eventType, event: readWith(schemaId, () => writer.read(payload)), schemaId };
    const sealed = readWith(schemaId, () => writer.sealed(payload));
    if (!keys) throw new SealedEventError(sealed.envelope);
    const key = await keys(sealed.keyId);
    if (!key) throw new SubjectKeyErasedError(sealed.envelope);
    let framedEvent: Buffer;
    try {
      framedEvent = open(sealed, key);
    } catch {
      throw new EventDecodeError(`${sealed.envelope.eventType} ${sealed.envelope.eventId} does not open with the key it names (${sealed.keyId})`);
    }
    const inner = await this.decode(framedEvent);
    if (inner.eventType !== sealed.envelope.eventType) throw new EventDecodeError(`${sealed.envelope.eventType} ${sealed.envelope.eventId} holds a sealed ${inner.eventType}`);
    return { ...inner, event: { ...inner.event, envelope: sealed.envelope } as RegsyncEvent, subjectKey: { id: sealed.keyId, key } };
  }

  private async writerOfBytes(bytes: Buffer | null): Promise<{ schemaId: number; writer: WriterSchema; payload: Buffer }> {
    if (!bytes || bytes.length < HEADER_LENGTH) throw new EventDecodeError(`not in Confluent wire format: ${bytes?.length ?? 0} bytes`);
    if (bytes.readUInt8(0) !== MAGIC_BYTE) throw new EventDecodeError(`not in Confluent wire format: magic byte ${bytes.readUInt8(0)}`);
    const schemaId = bytes.readUInt32BE(1);
    await this.connected;
    return { schemaId, writer: await this.writerOf(schemaId), payload: bytes.subarray(HEADER_LENGTH) };
  }

  private localOf(eventType: EventType): LocalSchema {
    if (!this.local) throw new EventCodecNotReadyError(this.registry.url);
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
    const { id } = await unavailableAsSuch(this.registry.url, `registering the ${recipientRegister} delivery schema of ${eventType}`, () =>
      this.registryClient!.register({ type: SchemaType.AVRO, schema: JSON.stringify(schema) }, {
        subject: deliveryRegistrySubjectOf(`${schema.namespace}.${schema.name}`),
        // a delivery is read with its writer's schema (decode), so a route that gains or loses a field needs no gate
        compatibility: COMPATIBILITY.NONE,
      }),
    );
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
    let response: Response;
    try {
      response = await fetch(`${this.registry.url}/schemas/ids/${schemaId}`, { headers: this.registry.auth ? { authorization: basicAuthorization(this.registry.auth) } : {} });
    } catch (error) {
      throw new SchemaRegistryUnavailableError(`schema registry at ${this.registry.url} unreachable for schema ${schemaId}: ${causeOf(error)}`);
    }
    if (response.status === 404) throw new EventDecodeError(`unknown schema id ${schemaId}`);
    if (response.status >= 500) throw new SchemaRegistryUnavailableError(`schema registry answered ${response.status} for schema ${schemaId}`);
    if (!response.ok) throw new Error(`schema registry answered ${response.status} for schema ${schemaId}`);
    const { schema } = (await response.json()) as { schema: string };
    const writerSchema = JSON.parse(schema) as { name?: string; namespace?: string };
    if (`${writerSchema.namespace}.${writerSchema.name}` === SEALED_EVENT_NAME) {
      const sealedType = avroType(writerSchema);
      return { sealed: (payload) => sealedType.fromBuffer(payload) as SealedEvent };
    }
    const eventType = writerSchema.name as EventType;
    if (!EVENT_TYPES.includes(eventType)) {
      const fullName = writerSchema.name?.includes('.') ? writerSchema.name : `${writerSchema.namespace ?? ''}.${writerSchema.name}`;
      if (fullName.startsWith(EVENT_NAMESPACE_PREFIX)) throw new UnknownEventTypeError(`schema ${schemaId} is ${fullName}, an event type this service does not know yet (upgrade it)`);
      throw new EventDecodeError(`schema ${schemaId} (${writerSchema.name}) is not a regsync event`);
    }
    if (isDeliverySchema(writerSchema)) {
      const delivery = avroType(writerSchema);
      return { eventType, read: (payload) => delivery.fromBuffer(payload) as RegsyncEvent };
    }
    const reader = this.localOf(eventType).type;
    const writerType = avroType(writerSchema);
    if (writerType.equals(reader)) return { eventType, read: (payload) => reader.fromBuffer(payload) as RegsyncEvent };
    let resolver: avro.Resolver;
    try {
      // Names compared without namespace, as Avro's Java SchemaCompatibility does and so the registry accepts.
      resolver = reader.createResolver(writerType, { ignoreNamespaces: true });
    } catch (error) {
      throw new EventDecodeError(`local ${eventType} schema cannot read schema ${schemaId}: ${(error as Error).message}`);
    }
    return { eventType, read: (payload) => reader.fromBuffer(payload, resolver) as RegsyncEvent };
  }
}

// The Confluent client reports a registry it cannot reach as an error with status 400 that names the socket's error.
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EPIPE|socket hang up/;

/**
 * Runs a call of the Confluent client and turns an unreachable or failing registry (a network error, a 5xx) into
 * SchemaRegistryUnavailableError, which pauses the consumer instead of dead-lettering the event being handled.
 */
async function unavailableAsSuch<T>(registryUrl: string, what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const { status, message } = error as { status?: number; message?: string };
    if ((status !== undefined && status >= 500) || UNREACHABLE.test(message ?? '')) throw new SchemaRegistryUnavailableError(`schema registry at ${registryUrl} unavailable while ${what}: ${message}`);
    throw error;
  }
}

/** fetch's own message ("fetch failed") hides the reason (ECONNREFUSED ...) in its cause. */
function causeOf(error: unknown): string {
  const { message, cause } = error as { message?: string; cause?: { message?: string; code?: string } };
  return [message, cause?.code ?? cause?.message].filter(Boolean).join(': ');
}

function readWith<T>(schemaId: number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new EventDecodeError(`Avro payload does not match schema ${schemaId}: ${(error as Error).message}`);
  }
}

function framed(schemaId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, payload]);
}

/**
 * Registers the schema; a codec the registry refuses as writer (no or a read-only credential: 401, 403) looks up the id
 * its writers registered instead (an open read), as Confluent's serializers do with auto.register.schemas=false, so a
 * reader such as the replay CLI or the dashboard needs no secret.
 */
async function registeredIdOf(registry: SchemaRegistry, schema: Parameters<SchemaRegistry['register']>[0], subject: string): Promise<number> {
  try {
    // the same level the compatibility gate enforces (npm run schemas:check)
    return (await registry.register(schema, { subject, compatibility: COMPATIBILITY.FULL_TRANSITIVE })).id;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status !== 401 && status !== 403) throw error;
    return registry.getRegistryIdBySchema(subject, schema);
  }
}

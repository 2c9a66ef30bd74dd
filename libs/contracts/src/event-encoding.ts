// Public entry: Encoding events on the wire: the codec, sealed events, Avro types, schemas, state records.
export { EventCodec, EventCodecNotReadyError, EventDecodeError, EventEncodeError, SchemaRegistryUnavailableError, SealedEventError, SubjectKeyErasedError, UnknownEventTypeError } from './event-codec';
export type { SubjectKeySource } from './event-codec';
export { innerEventOf, open, openBytes, seal, sealBytes, sealedEventSchemaOf, SENT_IN_THE_CLEAR } from './sealed-event';
export type { SealedEvent, SubjectKey } from './sealed-event';
export { avroType } from './avro-types';
export { findSchemasDir, latestSchemas } from './event-schemas';
export { decodeStateRecord, encodeStateRecord } from './state-record';
export type { StateRecord } from './state-record';
export type { StoredStateDelivery } from './state-record';

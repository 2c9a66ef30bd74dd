// Public entry: What a register service wires and its handlers use: the module, transport, batch pattern and contexts, outbox.
export { RegsyncMessagingModule } from './messaging.module';
export { messagingEntities, messagingMigrations } from './messaging-schema';
export { RegsyncKafkaTransport } from './regsync-kafka.transport';
export { EventBatchPattern } from './event-batch-pattern';
export { RegsyncBatchContext } from './regsync-batch-context';
export { RegsyncEventContext } from './regsync-event-context';
export { followUpDraft, Outbox } from './outbox';
export type { DeliveryRow, EventDraft, OutboxRecord } from './outbox';
export { consumedTopics, hostedAuthorities, KAFKA_CLIENT, MESSAGING_OPTIONS } from './messaging-options';
export type { Admission, MessagingOptions, ReceivedRecord } from './messaging-options';
export { EventRejectedError } from './event-rejected-error';
export { MessagingStartup } from './messaging-startup';

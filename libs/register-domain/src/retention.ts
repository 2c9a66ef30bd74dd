// Public entry: How long each register keeps what (retention catalog, copies of other registers).
export { deletionCutoff, IDEMPOTENCY_KEY_RETENTION_HOURS, keptRecordStatement, RETENTION_CATALOG } from './retention-catalog';
export type { ErasureOfListedPerson, KeptRecordStatement, RetentionPeriod, RetentionRule } from './retention-catalog';
export { COPY_RETENTION_TABLES, copyRetentionAfter, copyRetentionPeriodOf, NO_HOLDING_EVENTS } from './copy-retention';
export type { CopyHolding } from './copy-retention';
export { senderKeyRetentionEnded } from './sender-key-retention';
export type { PersonRecord } from './sender-key-retention';
